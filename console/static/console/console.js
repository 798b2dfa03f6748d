/* 话务台: keyboard shortcuts, the screen pop filling the intake form, and using a guide's answer.
   Plain script, no dependencies beyond htmx (already on the page). */
(function () {
  "use strict";

  function $(selector) { return document.querySelector(selector); }

  function submitWith(buttonId) {
    var form = $("#intake-form");
    var button = document.getElementById(buttonId);
    if (!form || !button || button.disabled) return;
    choosePath(button);
    // requestSubmit runs the form's submit event, which htmx listens to.
    form.requestSubmit(button);
  }

  // htmx leaves the submitter out of a scripted submit: the hidden "path" says which button it was.
  function choosePath(button) {
    var path = document.getElementById("id_path");
    if (path && button && button.value) path.value = button.value;
  }

  function kindRadios() {
    return Array.prototype.slice.call(document.querySelectorAll('#intake-form input[name="kind"]'));
  }

  function pickKind(index) {
    var radio = kindRadios()[index];
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    return radio;
  }

  function focusables(form) {
    return Array.prototype.slice.call(
      form.querySelectorAll("input:not([type=hidden]):not([disabled]), select, textarea, button")
    ).filter(function (el) { return el.offsetParent !== null; });
  }

  document.addEventListener("keydown", function (event) {
    var form = $("#intake-form");
    if (!form) return;
    var target = event.target;
    var inForm = form.contains(target);
    var key = (event.key || "").toLowerCase();

    // Ctrl+Enter (Cmd+Enter on a Mac) anywhere in the form: 登记并派单流转.
    if (inForm && key === "enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submitWith("btn-register");
      return;
    }
    // Enter in a one-line field moves on instead of submitting: a half-typed intake is never sent.
    if (inForm && key === "enter" && target.tagName === "INPUT" && target.type !== "submit") {
      event.preventDefault();
      var all = focusables(form);
      var next = all[all.indexOf(target) + 1];
      if (next) next.focus();
      return;
    }
    // A digit on a focused kind radio picks that kind (1 咨询 … 6 表扬).
    if (inForm && target.name === "kind" && /^[1-9]$/.test(event.key) && !event.altKey) {
      var picked = pickKind(Number(event.key) - 1);
      if (picked) { event.preventDefault(); picked.focus(); }
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var code = event.code || "";
    if (/^Digit[1-9]$/.test(code)) {
      if (pickKind(Number(code.slice(5)) - 1)) event.preventDefault();
    } else if (code === "KeyS") {
      event.preventDefault();
      submitWith("btn-register");
    } else if (code === "KeyJ") {
      event.preventDefault();
      submitWith("btn-answer");
    } else if (code === "KeyK") {
      var first = document.querySelector("#kb-results .use-guide");
      if (first) { event.preventDefault(); first.focus(); }
    } else if (code === "KeyN") {
      var content = $("#id_content");
      if (content) { event.preventDefault(); content.focus(); }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest('#intake-form button[name="submit_path"]');
    if (button) choosePath(button);
  }, true);

  // 采用此答复: the guide's text becomes the (editable) answer; a consultation is what it answers.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".use-guide");
    if (!button) return;
    var item = button.closest(".kb-hit");
    var template = item && item.querySelector("template.kb-answer");
    var answer = $("#id_answer");
    if (!template || !answer) return;
    answer.value = template.content.textContent.trim();
    $("#id_guide").value = button.dataset.guide;
    var chosen = $("#chosen-guide");
    if (chosen) chosen.textContent = "已采用指南：" + button.dataset.title;
    pickKind(0);
    answer.focus();
  });

  // The screen pop found a new call: it becomes the call this form registers, with its number.
  function takeCall(panel) {
    var callField = $("#id_call");
    var phone = $("#id_citizen_phone");
    if (!panel || !callField || !phone) return;
    var call = panel.dataset.call || "";
    if (!call || call === callField.value) return;
    var previous = callField.dataset.caller || "";
    callField.value = call;
    callField.dataset.caller = panel.dataset.caller || "";
    // Never overwrite a number the agent typed: only an empty field or the previous call's number.
    if (!phone.value || phone.value === previous) phone.value = panel.dataset.caller || "";
  }

  // After any swap (a poll, or the intake form coming back), compare the form with the pop.
  document.addEventListener("htmx:afterSettle", function () { takeCall($("#current-call")); });
  document.addEventListener("DOMContentLoaded", function () {
    var callField = $("#id_call");
    var panel = $("#current-call");
    if (callField && panel && callField.value === (panel.dataset.call || "")) {
      callField.dataset.caller = panel.dataset.caller || "";
    }
  });
})();
