// The dispatch and registration forms' pickers (cases/widgets.py): the category tree and the
// co-unit chips. Listeners sit on the document, so a case body swapped in by htmx keeps working.
// No inline script anywhere (the CSP allows scripts from 'self' only).
(function () {
  "use strict";

  function say(box, text) {
    var status = box.querySelector("[aria-live]");
    if (status) status.textContent = text;
  }

  // ---------------------------------------------------------------- category tree
  // A radio picked in the tree or in the search results becomes the choice on top, which stays
  // when the search replaces the results.
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (!radio.matches || !radio.matches(".category-tree input[type=radio]")) return;
    var picker = radio.closest(".category-picker");
    var chosen = picker.querySelector(".category-chosen-radio");
    var label = picker.querySelector(".category-chosen-label");
    var tag = picker.querySelector(".category-chosen .tag");
    chosen.value = radio.value;
    label.textContent = radio.getAttribute("data-label") || radio.parentNode.textContent.trim();
    if (tag) tag.remove(); // no longer the triage's suggestion
    chosen.checked = true;
  });

  // ---------------------------------------------------------------- co-unit chips
  function chipsEmpty(box) {
    var empty = box.querySelector(".chips-empty");
    if (empty) empty.hidden = box.querySelectorAll(".chip").length > 0;
  }

  function addChip(select) {
    var box = select.closest(".unit-chips");
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) return;
    var li = document.createElement("li");
    li.className = "chip";
    li.setAttribute("data-value", option.value);
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = box.getAttribute("data-name");
    input.value = option.value;
    var label = document.createElement("span");
    label.className = "chip-label";
    label.textContent = option.textContent;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove";
    remove.setAttribute("aria-label", "移除协办单位" + option.textContent);
    remove.textContent = "×";
    li.appendChild(input);
    li.appendChild(label);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(remove);
    box.querySelector(".chips").appendChild(li);
    option.disabled = true;
    select.value = "";
    chipsEmpty(box);
    say(box, "已添加协办单位" + option.textContent);
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select.chip-adder")) addChip(select);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".chip-remove") : null;
    if (!button) return;
    var chip = button.closest(".chip");
    var box = chip.closest(".unit-chips");
    var select = box.querySelector("select.chip-adder");
    var value = chip.getAttribute("data-value");
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === value) option.disabled = false;
    });
    var name = chip.querySelector(".chip-label").textContent;
    chip.remove();
    chipsEmpty(box);
    say(box, "已移除协办单位" + name);
    select.focus(); // the removed chip's button is gone: keyboard users stay in the picker
  });
})();
