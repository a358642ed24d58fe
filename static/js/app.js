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
  // A person picked from suggestions fills the picker's hidden id and visible name.
  const pick = event.target.closest("[data-pick-person]");
  if (pick) {
    const picker = pick.closest("[data-person-picker]");
    picker.querySelector("input[type=hidden]").value = pick.dataset.pickPerson;
    picker.querySelector("input[type=search]").value = pick.dataset.pickLabel;
    picker.querySelector("[data-suggestions]").replaceChildren();
    picker.dispatchEvent(new CustomEvent("personPicked", { bubbles: true, detail: { id: pick.dataset.pickPerson } }));
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
