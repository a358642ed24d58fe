// Small behaviours of the intranet. No inline scripts anywhere: the CSP forbids them.
"use strict";

// A confirmation before a destructive form is sent without HTMX (HTMX uses hx-confirm).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !form.hasAttribute("hx-post") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// A form sent without HTMX leaves the page, and what was typed in its other forms is lost (on a
// user's page: a new password typed, then the profile's «Сохранить» pressed). Ask first. Only
// forms that post count; an HTMX form's submit stays on the page (HTMX prevents it) and, once
// sent, its typing is no longer pending.
const typedIn = new Set();
document.addEventListener("input", (event) => {
  if (event.target.form?.method === "post") typedIn.add(event.target.form);
});
document.addEventListener("htmx:afterRequest", (event) => typedIn.delete(event.detail.elt.closest("form")));
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented || event.target.method !== "post") return;
  const pending = [...typedIn].find((form) => form !== event.target && form.isConnected);
  if (!pending) return;
  const title = pending.querySelector("h2, h3, legend")?.textContent.trim();
  const where = title ? `в форме «${title}»` : "в другой форме этой страницы";
  if (window.confirm(`Введённое ${where} не сохранено и пропадёт. Всё равно отправить?`)) typedIn.clear();
  else event.preventDefault();
});

document.addEventListener("click", (event) => {
  // «Отмена» of a new inline row: just remove the row.
  const remover = event.target.closest("[data-remove-closest]");
  if (remover) {
    remover.closest(remover.dataset.removeClosest)?.remove();
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

// ===== inline add forms =====
// An «Добавить» that opens a form in the page ([data-open-once]: the selector of that form)
// does not open a second one over what is being typed: pressed again, it focuses the form
// (and hx-sync="this:drop" ignores a second press while the first is loading).
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-once]");
  const open = opener && document.querySelector(opener.dataset.openOnce);
  if (!open) return;
  event.preventDefault();
  event.stopPropagation();
  open.querySelector("input:not([type=hidden]), select, textarea")?.focus();
}, true);
// A list that reloads after a change elsewhere (hx-trigger "… from:body": a status marked in
// another row) skips that reload while it holds
// - a form being typed in (an event being added, a row being edited), which it would throw away;
// - a change still on its way (a second row deleted, a status marked): the reload, answered
//   first, replaced the row that sent it, and the change's answer — the row, its message, the
//   next reload — went to a row no longer on the page.
// The form's saving, or the change's answer, reloads the list again.
const changing = new Set();
document.addEventListener("htmx:beforeRequest", (event) => {
  const request = event.detail.requestConfig;
  if (request && request.verb !== "get") changing.add(request.elt);
});
document.addEventListener("htmx:afterRequest", (event) => changing.delete(event.detail.requestConfig?.elt));
document.addEventListener("htmx:beforeSwap", (event) => {
  if (!event.detail.elt.getAttribute?.("hx-trigger")?.includes("from:body")) return;
  const list = event.detail.target;
  if ([...list.querySelectorAll("form")].some(typedInto) || [...changing].some((elt) => list.contains(elt))) {
    event.detail.shouldSwap = false;
  }
});
function typedInto(form) {
  return [...form.elements].some((field) => {
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT" && !field.multiple) {
      // no option marked selected: the first one is shown
      return field.selectedIndex !== Math.max([...field.options].findIndex((option) => option.defaultSelected), 0);
    }
    if (field.tagName === "SELECT") return [...field.options].some((option) => option.selected !== option.defaultSelected);
    return field.type !== "hidden" && "defaultValue" in field && field.value !== field.defaultValue;
  });
}
// ===== end of inline add forms =====

// ===== the person picker (templates/directory/_person_picker.html) =====
// Suggestions come by HTMX as the user types; a click, or ↓ ↑ and Enter, picks one: a
// single picker fills its hidden id and shows the name, a multiple one (data-multiple)
// adds a removable chip. Esc closes the suggestions; Backspace in an empty box of a
// multiple picker removes the last chip. A pick is announced by a «personPicked» event.
function pickerSuggestions(picker) {
  return picker.querySelector("[data-suggestions]");
}

function closeSuggestions(picker) {
  pickerSuggestions(picker)?.replaceChildren();
  picker.querySelector("[data-picker-search]")?.setAttribute("aria-expanded", "false");
}

// A multiple picker's new chip is the server's (directory.person_chip), written as the chips the
// form started with; a person already chosen is not added twice. Resolves once it is there.
function addChip(picker, id) {
  const chosen = picker.querySelector("[data-chosen]");
  if ([...chosen.querySelectorAll("input")].some((input) => input.value === String(id))) return Promise.resolve();
  const added = window.htmx.ajax("GET", picker.dataset.chipUrl, {
    target: chosen, swap: "beforeend", values: { person: id, name: picker.dataset.field },
  });
  const form = picker.closest("form");
  if (form) {
    const coming = Promise.all([chipsComing.get(form), added.catch(() => {})]);
    chipsComing.set(form, coming);
    coming.then(() => { if (chipsComing.get(form) === coming) chipsComing.delete(form); });
  }
  return added;
}
// A form sent before its chips came (a person picked, then «Добавить решение» at once, or on a
// slow network) went without that person, and nothing said so. Its sending waits for them.
const chipsComing = new Map();
document.addEventListener("submit", (event) => {
  const coming = chipsComing.get(event.target);
  if (!coming) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  const submitter = event.submitter?.form === event.target ? event.submitter : undefined;
  coming.then(() => event.target.requestSubmit(submitter));
}, true);

function pickPerson(picker, id, label) {
  const search = picker.querySelector("[data-picker-search]");
  let picked = Promise.resolve();
  if (picker.hasAttribute("data-multiple")) {
    picked = addChip(picker, id);
    search.value = "";
  } else {
    picker.querySelector("[data-picked]").value = id;
    search.value = label;
  }
  search.classList.remove("is-invalid");
  closeSuggestions(picker);
  search.focus();
  picked.then(() => picker.dispatchEvent(new CustomEvent("personPicked", { bubbles: true, detail: { id, label } })));
}

function moveActive(picker, step) {
  const options = [...pickerSuggestions(picker).querySelectorAll("[data-pick-person], [data-new-person]")];
  if (!options.length) return;
  const current = options.findIndex((option) => option.classList.contains("active"));
  const next = current < 0 ? (step > 0 ? 0 : options.length - 1) : (current + step + options.length) % options.length;
  options.forEach((option, index) => {
    option.classList.toggle("active", index === next);
    option.setAttribute("aria-selected", index === next ? "true" : "false");
  });
  options[next].scrollIntoView({ block: "nearest" });
}

document.addEventListener("click", (event) => {
  const pick = event.target.closest("[data-pick-person]");
  if (pick) {
    pickPerson(pick.closest("[data-person-picker]"), pick.dataset.pickPerson, pick.dataset.pickLabel);
    return;
  }
  const unpick = event.target.closest("[data-unpick]");
  if (unpick) {
    const picker = unpick.closest("[data-person-picker]");
    unpick.closest("[data-chip]").remove();
    picker?.querySelector("[data-picker-search]")?.focus();
  }
});

document.addEventListener("keydown", (event) => {
  const search = event.target.closest("[data-picker-search]");
  if (!search) return;
  const picker = search.closest("[data-person-picker]");
  const open = pickerSuggestions(picker).querySelector("[data-pick-person], [data-new-person]");
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    moveActive(picker, event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter" && open) {
    event.preventDefault();
    const active = pickerSuggestions(picker).querySelector(".active") || open;
    active.click();
  } else if (event.key === "Escape" && open) {
    event.preventDefault();
    closeSuggestions(picker);
  } else if (event.key === "Backspace" && !search.value && picker.hasAttribute("data-multiple")) {
    picker.querySelector("[data-chosen] [data-chip]:last-child")?.remove();
  }
});

// A single picker whose text is cleared forgets the chosen person.
document.addEventListener("input", (event) => {
  const search = event.target.closest("[data-picker-search]");
  const picked = search?.closest("[data-person-picker]").querySelector("[data-picked]");
  if (picked && !search.value.trim()) picked.value = "";
});

document.addEventListener("htmx:afterSwap", (event) => {
  const box = event.detail.target;
  if (!box.matches?.("[data-suggestions]")) return;
  box.closest("[data-person-picker]").querySelector("[data-picker-search]")
    .setAttribute("aria-expanded", box.children.length ? "true" : "false");
});

// Suggestions close when the focus leaves the picker (a click elsewhere, Tab).
document.addEventListener("focusout", (event) => {
  const picker = event.target.closest("[data-person-picker]");
  if (!picker || picker.contains(event.relatedTarget)) return;
  setTimeout(() => { if (!picker.contains(document.activeElement)) closeSuggestions(picker); }, 150);
});

// «+ Новый сотрудник»: the directory's quick form in the page's dialog (base.html); the
// person created is picked by the picker that asked (the «personCreated» event), and the
// form around the picker keeps what was typed in it.
let personDialogPicker = null;

document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-new-person]");
  if (!link || !window.htmx) return;
  event.preventDefault();
  const picker = link.closest("[data-person-picker]");
  const dialog = document.getElementById("person-dialog");
  personDialogPicker = picker;
  const typed = picker.querySelector("[data-picker-search]").value.trim();
  closeSuggestions(picker);
  const url = `${link.dataset.newPerson}?surname=${encodeURIComponent(typed)}`;
  window.htmx.ajax("GET", url, { target: "#person-dialog-body", swap: "innerHTML" }).then(() => {
    dialog.showModal();
    dialog.querySelector("input:not([type=hidden])")?.focus();
  });
});

document.addEventListener("personCreated", (event) => {
  const dialog = document.getElementById("person-dialog");
  dialog?.close();
  if (personDialogPicker?.isConnected) pickPerson(personDialogPicker, String(event.detail.id), event.detail.label);
  personDialogPicker = null;
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-close-dialog]")) event.target.closest("dialog")?.close();
});
// ===== end of the person picker =====

// A message the page says by itself, when no answer of the server can (the connection lost, an
// error page instead of a fragment, a file too big to send), as templates/_message.html writes
// one; the server's own messages come in its answers (web.message, web.notice: out of band).
function showMessage(text, category = "danger") {
  const box = document.getElementById("messages");
  if (!box) return;
  const alert = document.createElement("div");
  alert.className = `alert alert-${category} alert-dismissible fade show`;
  alert.setAttribute("role", "alert");
  alert.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.dataset.bsDismiss = "alert";
  close.setAttribute("aria-label", "Закрыть");
  alert.append(close);
  box.replaceChildren(alert);
  revealMessages(box);
}
// A refusal in the message area (web.message, showMessage) is brought into sight: the area is at
// the top of the page, the button refused may be far below it («Удалить» of a long list's last
// row refused, and nothing seemed to happen).
function revealMessages(box) {
  if (box.getBoundingClientRect().top < 0) box.scrollIntoView({ block: "start" });
}
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target?.id === "messages") revealMessages(event.detail.target);
});
// The message area says what the last change did: a change sent clears what an earlier one said
// («Статус поручения изменён.» stood above the report form refused next after it, as if the
// report had been accepted). Its answer brings its own message, if it has one.
document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.requestConfig?.verb === "get") return;
  document.getElementById("messages")?.replaceChildren();
});

document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 403) showMessage("У вас нет прав для этого действия.");
  else if (status === 404) showMessage("Запись не найдена: возможно, её уже удалили. Обновите страницу.");
  else if (status === 503) showMessage("База данных временно недоступна. Повторите попытку через минуту.");
  else if (status === 413) showMessage("Файл слишком большой: такой загрузить нельзя. Уменьшите его или загрузите частями.");
  else showMessage(`Не удалось выполнить действие (ошибка ${status}). Обновите страницу и попробуйте ещё раз.`);
});
// A file over its input's limit (data-max-size, bytes), or files over their limit together
// (data-max-total: one request carries them), are refused before they are sent, in the
// server's words (data-too-big, data-too-much): uploading 200 MB only to hear it is too big
// takes minutes.
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt.closest("form");
  for (const input of form?.querySelectorAll("input[type=file][data-max-size]") ?? []) {
    const files = [...input.files];
    const tooBig = files.some((file) => file.size > Number(input.dataset.maxSize));
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (tooBig || (input.dataset.maxTotal && total > Number(input.dataset.maxTotal))) {
      event.preventDefault();
      input.classList.add("is-invalid");
      showMessage(tooBig ? input.dataset.tooBig : input.dataset.tooMuch);
      input.focus();
      return;
    }
  }
});
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=file][data-max-size]")) event.target.classList.remove("is-invalid");
});
document.addEventListener("htmx:sendError", () => {
  showMessage("Нет связи с сервером. Проверьте подключение и повторите.");
});
// A change made in place says it was done in the one message area (web.notice: the server's
// message swapped out of band, and the event noticeShown {focus}), and the focus moves to the part
// that changed (not to the page's body, where a keyboard or screen-reader user would have to find
// the place again).
let focusChanged = false;
let focusId = null;
// The response that said it (its triggers run just before its swap): another swap settling
// first (a list the change reloads) is not the changed part.
let messageXhr = null;
document.addEventListener("noticeShown", (event) => {
  focusChanged = true;
  focusId = event.detail.focus || null;
  messageXhr = null;
});
document.addEventListener("htmx:beforeSwap", (event) => {
  if (focusChanged && !messageXhr) messageXhr = event.detail.xhr;
});
document.addEventListener("htmx:afterSettle", (event) => {
  if (!focusChanged || (messageXhr && event.detail.xhr && event.detail.xhr !== messageXhr)) return;
  focusChanged = false;
  messageXhr = null;
  const target = event.detail.target;
  // An outerHTML swap replaced the target: the new element has its id.
  const part = (focusId && document.getElementById(focusId))
    || (target?.isConnected && target) || (target?.id && document.getElementById(target.id))
    || document.getElementById("messages");
  focusId = null;
  if (!part.matches("a, button, input, select, textarea, [tabindex]")) part.setAttribute("tabindex", "-1");
  part.focus();
  refocusId = part.id || null;
});
// A list that reloads after the change (the media plan's rows on mediaEventsChanged) replaces the
// focused part with its new copy: the focus goes to that copy, not to the page's body. Until the
// user's next key or click.
let refocusId = null;
document.addEventListener("htmx:afterSettle", () => {
  if (!refocusId || focusChanged || document.activeElement !== document.body) return;
  const again = document.getElementById(refocusId);
  if (!again) return;
  if (!again.matches("a, button, input, select, textarea, [tabindex]")) again.setAttribute("tabindex", "-1");
  again.focus();
});
for (const type of ["keydown", "pointerdown"]) document.addEventListener(type, () => { refocusId = null; }, true);

// A part swapped in place of the control that asked for it (a row's ✎, a matrix cell, the
// «Отмена» of a row's form) takes the focus — a form at its first field, a row itself: that
// control went with what it replaced, and the focus fell to the page's body.
let openerXhr = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.requestConfig?.verb === "get" && event.detail.elt.contains(document.activeElement)) {
    openerXhr = event.detail.xhr;
  }
});
document.addEventListener("htmx:afterSettle", (event) => {
  if (!openerXhr || event.detail.xhr !== openerXhr) return;
  openerXhr = null;
  if (document.activeElement !== document.body) return;
  const target = event.detail.target;
  const part = (target?.isConnected && target) || (target?.id && document.getElementById(target.id));
  if (!part) return;
  const field = part.querySelector("input:not([type=hidden]), select, textarea");
  if (!field && !part.matches("a, button, input, select, textarea, [tabindex]")) part.setAttribute("tabindex", "-1");
  (field || part).focus();
});

// A form refused in place (422, swapped back with its messages) puts the focus on its first
// invalid field, so the user types the fix where it is needed — or, when the reasons name no
// single field (a checklist sent unfinished), on the reasons, not on the page's body.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.xhr?.status !== 422) return;
  const target = event.detail.target;
  const root = (target?.isConnected && target) || (target?.id && document.getElementById(target.id)) || document;
  const invalid = root.querySelector(".is-invalid");
  if (invalid) {
    invalid.focus();
    return;
  }
  const reasons = root.querySelector("[role=alert]");
  if (!reasons || document.activeElement !== document.body) return;
  reasons.setAttribute("tabindex", "-1");
  reasons.focus();
});

// A region that scrolls sideways (a wide table) can be scrolled from the keyboard.
function focusableScrollers(root = document) {
  root.querySelectorAll?.(".table-responsive, .matrix-wrap, .results").forEach((box) => {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.tabIndex = 0;
  });
}
document.addEventListener("DOMContentLoaded", () => focusableScrollers());
window.addEventListener("resize", () => focusableScrollers());
document.addEventListener("htmx:afterSettle", (event) => focusableScrollers(event.target.parentElement || document));

// ===== meetings =====
// «По вопросу повестки» follows the agenda at once: the agenda section brings its choices
// (#agenda-choices), and every decision form's select takes them, keeping what it had chosen.
document.addEventListener("htmx:afterSettle", () => {
  const choices = document.getElementById("agenda-choices");
  if (!choices) return;
  document.querySelectorAll("select[data-agenda-choices]").forEach((select) => {
    const chosen = select.value;
    select.replaceChildren(choices.content.cloneNode(true));
    if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
  });
});
// «СЛУШАЛИ: докладчик» takes the name of the speaker picked, in the nominative (the protocol
// declines it), when it is empty or still holds the previous pick's: a name written otherwise
// stays — the rule the server applies when it is sent empty (meetings.services._speaker_name).
document.addEventListener("personPicked", (event) => {
  if (event.target.dataset.field !== "speaker_id") return;
  const heard = event.target.closest("form")?.querySelector("input[name=speaker_name]");
  if (!heard) return;
  // the previous pick: this page's last, or the speaker the form opened with (the box's value attribute)
  const previous = heard.dataset.picked ?? event.target.querySelector("[data-picker-search]")?.defaultValue;
  if (!heard.value.trim() || heard.value === previous) heard.value = event.detail.label;
  heard.dataset.picked = event.detail.label;
});
// ===== end of meetings =====

// ===== media =====
// A status change or a cancellation submitted from an open <details> closes it.
document.addEventListener("submit", (event) => {
  event.target.closest("details.cancel-event")?.removeAttribute("open");
});
// A cell of the coverage matrix the user may fill opens its form in place (the cells carry
// no links of their own: a matrix has 1,500 of them).
// The cell takes the id its form comes back with and the focus (a click does not focus a
// cell), so the form that replaces it takes the focus as any part opened in place does.
function openSlot(cell) {
  const header = cell.closest("table").tHead.rows[0].cells[cell.cellIndex];
  const row = cell.closest("tr");
  cell.id = `slot-${row.id.replace("coverage-row-", "")}-${header.dataset.org}`;
  if (!cell.hasAttribute("tabindex")) cell.tabIndex = -1;
  cell.focus();
  window.htmx.ajax("GET", `${row.dataset.slotUrl}?organization=${header.dataset.org}`, { target: cell, swap: "outerHTML" });
}
document.addEventListener("click", (event) => {
  const cell = event.target.closest(".matrix td.may");
  if (cell && !event.target.closest("a")) openSlot(cell);
});
// By keyboard: one fillable cell is in the tab order (Tab reaches the matrix once, not a
// thousand times); the arrows move between fillable cells, Enter or Space opens one.
function matrixTabStop() {
  document.querySelectorAll(".matrix").forEach((matrix) => {
    if (!matrix.querySelector("td.may[tabindex='0']")) {
      const first = matrix.querySelector("td.may");
      if (first) first.tabIndex = 0;
    }
  });
}
function nextFillable(cell, key) {
  const sideways = key === "ArrowRight" || key === "ArrowLeft";
  const step = key === "ArrowRight" || key === "ArrowDown" ? "nextElementSibling" : "previousElementSibling";
  let other = sideways ? cell[step] : cell.parentElement[step];
  while (other) {
    const candidate = sideways ? other : other.cells[cell.cellIndex];
    if (candidate?.matches("td.may")) return candidate;
    other = other[step];
  }
  return null;
}
document.addEventListener("keydown", (event) => {
  const cell = event.target.closest?.(".matrix td.may");
  if (!cell || event.target !== cell) return;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    openSlot(cell);
  } else if (event.key.startsWith("Arrow")) {
    const next = nextFillable(cell, event.key);
    if (!next) return;
    event.preventDefault();
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
});
document.addEventListener("DOMContentLoaded", () => matrixTabStop());
document.addEventListener("htmx:afterSettle", () => matrixTabStop());
// The matrix reloads after a publication is marked (coverageChanged): the focus stays on the same
// cell of the new copy — its cells carry no ids, and the focus fell to the matrix as a whole.
let matrixFocus = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const cell = document.activeElement?.closest?.(".matrix td");
  const target = event.detail.target;
  if (!cell || target.matches(".matrix td") || !target.contains(cell)) return;
  matrixFocus = [cell.parentElement.id, cell.cellIndex];
});
document.addEventListener("htmx:afterSettle", () => {
  if (!matrixFocus) return;
  const [rowId, index] = matrixFocus;
  matrixFocus = null;
  const cell = document.getElementById(rowId)?.cells[index];
  if (!cell) return;
  if (!cell.hasAttribute("tabindex")) cell.tabIndex = -1;
  cell.focus();
});
// ===== end of media =====

// ===== documents =====
// A form sent without HTMX whose answer takes seconds (a Word template is filled with every
// variant of the demo data before it is kept) says so on its button ([data-busy-text]) while
// the page waits, and takes no second press. Back to the page from the browser's history: the
// button is as it was.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (event.defaultPrevented || !button?.dataset.busyText || event.target.hasAttribute("hx-post")) return;
  setTimeout(() => {  // after the form's data is taken
    button.dataset.label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = button.dataset.busyText;
    const spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm ms-2";
    spinner.setAttribute("aria-hidden", "true");
    button.append(spinner);
  });
});
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const button of document.querySelectorAll("[data-busy-text][aria-busy]")) {
    button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
});
// Links and buttons marked data-download (PDF made by LibreOffice: seconds, not
// milliseconds) fetch the file while the button shows progress, then save it under
// the name the server sent. A failure shows the server's message instead of leaving
// the user on a blank error page. Without JavaScript they are ordinary links/forms.
function downloadName(response) {
  const header = response.headers.get("Content-Disposition") || "";
  const utf8 = header.match(/filename\*=UTF-8''([^;]+)/i);
  if (utf8) return decodeURIComponent(utf8[1]);
  const plain = header.match(/filename="([^"]+)"/i);
  return plain ? plain[1] : "document";
}

async function download(url, control) {
  if (control.dataset.busy) return;
  control.dataset.busy = "1";
  const label = control.textContent;
  control.classList.add("disabled");
  control.setAttribute("aria-busy", "true");
  control.textContent = "Готовим…";
  const spinner = document.createElement("span");
  spinner.className = "spinner-border spinner-border-sm ms-1";
  spinner.setAttribute("role", "status");
  control.append(spinner);
  const progress = document.getElementById("progress");
  progress?.classList.add("htmx-request");
  try {
    // HX-Request: an error comes back as the message fragment of the page.
    const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (response.headers.get("HX-Redirect")) {  // signed out meanwhile: to the login page
      window.location.href = response.headers.get("HX-Redirect");
      return;
    }
    if (!response.ok) {
      const box = document.getElementById("messages");
      // The server's message (web.message: retargeted to the message area), else a generic one.
      if (box && response.headers.get("HX-Retarget") === "#messages") box.innerHTML = await response.text();
      else showMessage(`Не удалось подготовить файл (ошибка ${response.status}).`);
      return;
    }
    const blob = await response.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = downloadName(response);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  } catch {
    showMessage("Нет связи с сервером. Проверьте подключение и повторите.");
  } finally {
    progress?.classList.remove("htmx-request");
    control.textContent = label;
    control.classList.remove("disabled");
    control.removeAttribute("aria-busy");
    delete control.dataset.busy;
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-download]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  download(link.href, link);
});

document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (!button || !button.hasAttribute("data-download") || button.form?.method !== "get") return;
  event.preventDefault();
  const url = new URL(button.formAction, window.location.href);
  url.search = new URLSearchParams(new FormData(event.target)).toString();
  download(url.toString(), button);
});
// ===== end of documents =====

// ===== expertise =====
// An expert's checklist (templates/expertise/assessment.html): every answer row is a
// <form data-autosave> that HTMX posts as soon as an answer or comment changes. A save
// that fails for lack of connection or by a server error is marked «не сохранено» and
// sent again (after 2, 4, 8 … 30 s, and at once when the browser is back online);
// leaving the page with such an answer asks first. A refusal the server explains
// (409, 422) is shown in the row as the server wrote it and is not retried.
(() => {
  document.documentElement.classList.add("js-autosave"); // hides the rows' «Сохранить» buttons
  const unsaved = new Set();
  const delays = new WeakMap();
  const timers = new WeakMap();

  function showUnsaved(form, text) {
    const status = form.querySelector(".answer-status");
    if (!status) return;
    const mark = document.createElement("span");
    mark.className = "text-danger answer-unsaved";
    mark.textContent = text;
    status.replaceChildren(mark);
  }

  function retryLater(form) {
    const delay = delays.get(form) || 2000;
    delays.set(form, Math.min(delay * 2, 30000));
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(() => htmx.trigger(form, "retry"), delay));
    return delay;
  }

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-autosave]")) return;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (event.detail.successful || status === 409 || status === 422) {
      unsaved.delete(form);
      delays.delete(form);
      form.classList.remove("autosave-failed");
      return;
    }
    unsaved.add(form);
    form.classList.add("autosave-failed");
    if (status === 0 || status >= 500) {
      const delay = retryLater(form);
      showUnsaved(form, `✗ Не сохранено: нет связи с сервером. Повторная попытка через ${Math.round(delay / 1000)} с.`);
    } else {
      // 400 (form out of date), 401 (signed out), 403, 404: a retry would fail the same way.
      showUnsaved(form, `✗ Не сохранено (ошибка ${status}). Обновите страницу и ответьте снова.`);
    }
  });

  window.addEventListener("online", () => unsaved.forEach((form) => htmx.trigger(form, "retry")));
  window.addEventListener("beforeunload", (event) => {
    if (unsaved.size || document.querySelector("form[data-autosave].htmx-request")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
// ===== end of expertise =====

// ===== decisions: the control list's filters =====
// A person picked in a filter ([data-submit-on-pick]) applies the filter at once.
document.addEventListener("personPicked", (event) => {
  if (event.target.matches("[data-submit-on-pick]")) event.target.closest("form")?.requestSubmit();
});
// Typing a name is not a filter change; Enter or the clear button of the box is
// (a cleared box has forgotten the person: data-picker-search).
document.addEventListener("change", (event) => {
  if (event.target.closest("[data-submit-on-pick]")) event.stopPropagation();
}, true);
document.addEventListener("search", (event) => {
  event.target.closest("[data-submit-on-pick]")?.closest("form")?.requestSubmit();
}, true);
// ===== end of decisions =====

// ===== meetings: protocol import =====
// An upload form with [data-upload-progress] shows how much of its files has been sent
// (htmx reports the request's upload progress) in its <progress>, and which file is read.
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.closest?.("form[data-upload-progress]")?.querySelector("progress");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.textContent = `${bar.value}%`;
  }
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const bar = event.target.closest?.("form[data-upload-progress]")?.querySelector("progress");
  if (bar) { bar.hidden = false; bar.value = 0; }
});
// What the server read (the «importRead» event: {files, text}) leaves the form: the files
// chosen, and the pasted text unless it was refused (it stays to be corrected).
document.addEventListener("importRead", (event) => {
  const form = event.target.closest?.("form[data-upload-progress]");
  if (!form) return;
  if (event.detail.files) {
    for (const input of form.querySelectorAll("input[type=file]")) input.value = "";
  }
  if (event.detail.text) {
    for (const area of form.querySelectorAll("textarea")) area.value = "";
  }
});
// ===== end of meetings: protocol import =====

// ===== menus and filters made of <details> =====
// «Ещё» drops its menu under its right edge; when the button has wrapped to the left of the
// page (a planned meeting's row of buttons is full) there is no room for it there, and it
// drops under the left edge instead (.open-start).
document.addEventListener("toggle", (event) => {
  const menu = event.target;
  if (!menu.matches?.("details.more-menu") || !menu.open) return;
  const list = menu.querySelector(".dropdown-menu");
  list.classList.remove("open-start");
  if (list.getBoundingClientRect().left < 0) list.classList.add("open-start");
}, true);
// The meeting page's «Ещё» closes like a menu: on a click outside it, when the focus leaves it
// (Tab past its last item), or on Esc wherever the focus is (Safari does not focus a clicked
// <summary>); the focus goes back to its button unless it is already elsewhere on the page.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.more-menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
document.addEventListener("focusout", (event) => {
  const menu = event.target.closest?.("details.more-menu[open]");
  if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.more-menu[open]")) {
    const inside = menu.contains(document.activeElement) || document.activeElement === document.body;
    menu.open = false;
    if (inside) menu.querySelector("summary").focus();
  }
});
// A list's filters (_macros.html filters_fold) come from the server unfolded, so no browser
// hides them on a wide screen, with or without JavaScript or ::details-content; on a phone they
// fold away here behind «Фильтры» (and unfold again if the screen turns wider).
const phoneWidth = window.matchMedia("(max-width: 575.98px)");
function foldFilters(root) {
  const folds = [...root.querySelectorAll("details.filters-fold")];
  if (root.matches?.("details.filters-fold")) folds.push(root);
  folds.forEach((fold) => { fold.open = !phoneWidth.matches; });
}
foldFilters(document); // app.js is deferred: the page is parsed
phoneWidth.addEventListener("change", () => foldFilters(document));
document.addEventListener("htmx:load", (event) => { if (event.target !== document.body) foldFilters(event.target); });
// ===== end of menus and filters =====
