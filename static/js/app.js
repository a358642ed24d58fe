// Small behaviours of the intranet. No inline scripts anywhere: the CSP forbids them.
"use strict";

// A confirmation before a destructive form is sent without HTMX (HTMX uses hx-confirm).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !form.hasAttribute("hx-post") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("click", (event) => {
  // «Отмена» of a new inline row: just remove the row.
  const remover = event.target.closest("[data-remove-closest]");
  if (remover) {
    remover.closest(remover.dataset.removeClosest)?.remove();
    return;
  }
  // A person picked from suggestions: a single picker fills its hidden id and the
  // visible name; a multiple one (data-multiple) adds a removable chip.
  const pick = event.target.closest("[data-pick-person]");
  if (pick) {
    const picker = pick.closest("[data-person-picker]");
    const search = picker.querySelector("input[type=search]");
    if (picker.hasAttribute("data-multiple")) {
      addChip(picker, pick.dataset.pickPerson, pick.dataset.pickLabel);
      search.value = "";
    } else {
      picker.querySelector("input[type=hidden]").value = pick.dataset.pickPerson;
      search.value = pick.dataset.pickLabel;
    }
    picker.querySelector("[data-suggestions]").replaceChildren();
    return;
  }
  const unpick = event.target.closest("[data-unpick]");
  if (unpick) {
    unpick.closest("[data-chip]").remove();
    return;
  }
  // Copy buttons (calendar links).
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    navigator.clipboard?.writeText(copy.dataset.copy).then(() => {
      copy.textContent = "Скопировано";
    });
  }
});

function addChip(picker, id, label) {
  const chosen = picker.querySelector("[data-chosen]");
  if (chosen.querySelector(`input[value="${CSS.escape(id)}"]`)) return;
  const chip = document.createElement("span");
  chip.className = "badge text-bg-primary d-inline-flex align-items-center gap-1";
  chip.dataset.chip = "";
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = "responsible_ids";
  input.value = id;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "btn-close btn-close-white btn-sm";
  remove.dataset.unpick = "";
  remove.setAttribute("aria-label", "Убрать");
  chip.append(label, input, remove);
  chosen.append(chip);
}

// Errors of HTMX requests that are not swapped in: say so instead of failing silently.
function showError(text) {
  const box = document.getElementById("messages");
  if (!box) return;
  const alert = document.createElement("div");
  alert.className = "alert alert-danger alert-dismissible fade show";
  alert.setAttribute("role", "alert");
  alert.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.dataset.bsDismiss = "alert";
  close.setAttribute("aria-label", "Закрыть");
  alert.append(close);
  box.replaceChildren(alert);
}

document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 403) showError("У вас нет прав для этого действия.");
  else if (status === 404) showError("Запись не найдена: возможно, её уже удалили. Обновите страницу.");
  else if (status === 503) showError("База данных временно недоступна. Повторите попытку через минуту.");
  else showError(`Не удалось выполнить действие (ошибка ${status}). Обновите страницу и попробуйте ещё раз.`);
});
document.addEventListener("htmx:sendError", () => {
  showError("Нет связи с сервером. Проверьте подключение и повторите.");
});

// ===== media =====
// A select marked data-autosubmit sends its form at once (the «Что нам опубликовать» participant).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
// A status change or a cancellation submitted from an open <details> closes it.
document.addEventListener("submit", (event) => {
  event.target.closest("details.cancel-event")?.removeAttribute("open");
});
// ===== end of media =====
