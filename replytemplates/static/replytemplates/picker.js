// The reply form's template picker (cases/templates/cases/_action_form.html): choosing a template
// puts its filled text into the answer and remembers which one it was; the clerk edits freely.
// Delegated on the document, because htmx swaps the case body (and this form) after every action.
(function () {
  "use strict";
  if (window.mochouReplyTemplates) return; // the partial can be swapped in again: bind once
  window.mochouReplyTemplates = true;

  function formOf(el) { return el.closest("form"); }

  document.addEventListener("change", function (event) {
    var picker = event.target.closest("select[data-reply-templates]");
    if (!picker) return;
    var form = formOf(picker);
    var body = form.querySelector("textarea[name=body]");
    var hidden = form.querySelector("input[name=template]");
    var option = picker.options[picker.selectedIndex];
    var source = option && option.value ? document.getElementById("reply-template-" + option.value) : null;
    if (!source) {
      if (hidden) hidden.value = "";
      return;
    }
    var typed = body.value.trim();
    if (typed && typed !== (body.dataset.fromTemplate || "").trim() &&
        !window.confirm("答复内容已有文字，用模板替换吗？")) {
      picker.value = hidden && hidden.value ? hidden.value : "";
      return;
    }
    body.value = source.textContent;
    body.dataset.fromTemplate = body.value;
    if (hidden) hidden.value = option.value;
    // Show the whole text (the form sits in a narrow column), up to a screenful.
    body.style.height = "auto";
    body.style.height = Math.min(body.scrollHeight + 4, 420) + "px";
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
  });

  // Without JavaScript the list of templates is there to read and copy; with it, the picker is.
  function reveal(root) {
    root.querySelectorAll("[data-reply-templates-js]").forEach(function (el) { el.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSwap", function (event) { reveal(event.target); });
  if (document.readyState !== "loading") reveal(document);
})();
