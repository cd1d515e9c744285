/* Long-text editor: a small toolbar, a preview and a statute picker on every <textarea> in a
   form (opt out with data-editor="off"). No inline script (the CSP stays strict); without this
   file the textarea still works and plain citations like 《民法典》第五百七十七条 still link. */
(function () {
  "use strict";
  var config = document.getElementById("editor-config");
  if (!config) { return; }
  var t = config.dataset;
  var csrf = t.csrf;

  function wrap(area, before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.slice(start, end) || placeholder;
    area.setRangeText(before + chosen + after, start, end, "end");
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function prefixLines(area, prefix) {
    var start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var end = area.selectionEnd;
    var lines = area.value.slice(start, end).split("\n");
    var numbered = prefix === "1. ";
    var text = lines.map(function (line, i) { return (numbered ? (i + 1) + ". " : prefix) + line; }).join("\n");
    area.setRangeText(text, start, end, "end");
    area.focus();
  }

  function insert(area, text) {
    area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
    area.focus();
  }

  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-secondary";
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  function picker(area, id) {
    var box = document.createElement("div");
    box.className = "statute-picker border rounded p-2 mt-1";
    box.hidden = true;
    var label = document.createElement("label");
    label.className = "form-label small";
    label.htmlFor = id + "-statute";
    label.textContent = t.pickerLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id + "-statute";
    input.className = "form-control form-control-sm";
    input.placeholder = t.pickerPlaceholder;
    input.setAttribute("autocomplete", "off");
    var list = document.createElement("ul");
    list.className = "list-unstyled mb-0 mt-1";
    list.setAttribute("aria-live", "polite");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q) { list.replaceChildren(); return; }
        fetch(t.suggestUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            list.replaceChildren();
            if (!rows.length) {
              var none = document.createElement("li");
              none.className = "small text-body-secondary";
              none.textContent = t.pickerNone;
              list.appendChild(none);
            }
            rows.forEach(function (row) {
              var li = document.createElement("li");
              var b = button(row.label, function () {
                insert(area, row.citation);
                box.hidden = true;
              });
              b.className = "btn btn-link btn-sm text-start p-1";
              b.title = row.preview;
              var small = document.createElement("span");
              small.className = "d-block small text-body-secondary";
              small.textContent = row.preview;
              li.appendChild(b);
              li.appendChild(small);
              list.appendChild(li);
            });
          });
      }, 200);
    });
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(list);
    return { box: box, input: input };
  }

  function enhance(area, n) {
    if (area.dataset.editor === "off" || area.closest(".editor")) { return; }
    var id = area.id || ("editor-" + n);
    var shell = document.createElement("div");
    shell.className = "editor";
    var bar = document.createElement("div");
    bar.className = "editor-toolbar btn-group flex-wrap mb-1";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", t.toolbar);
    bar.setAttribute("aria-controls", id);
    var preview = document.createElement("div");
    preview.className = "editor-preview markdown-body border rounded p-2";
    preview.hidden = true;
    preview.setAttribute("aria-live", "polite");
    var pick = picker(area, id);
    var previewButton;
    bar.appendChild(button(t.bold, function () { wrap(area, "**", "**", t.boldSample); }));
    bar.appendChild(button(t.heading, function () { prefixLines(area, "### "); }));
    bar.appendChild(button(t.bullets, function () { prefixLines(area, "- "); }));
    bar.appendChild(button(t.numbers, function () { prefixLines(area, "1. "); }));
    bar.appendChild(button(t.quote, function () { prefixLines(area, "> "); }));
    bar.appendChild(button(t.statute, function () {
      pick.box.hidden = !pick.box.hidden;
      if (!pick.box.hidden) { pick.input.focus(); }
    }));
    previewButton = button(t.preview, function () {
      if (!preview.hidden) {
        preview.hidden = true; area.hidden = false;
        previewButton.textContent = t.preview; previewButton.setAttribute("aria-pressed", "false");
        area.focus();
        return;
      }
      var body = new FormData();
      body.append("text", area.value);
      body.append("csrf_token", csrf);
      fetch(t.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          preview.replaceChildren.apply(preview, Array.from(doc.body.childNodes));
          if (!area.value.trim()) { preview.textContent = t.empty; }
          preview.hidden = false; area.hidden = true;
          previewButton.textContent = t.edit; previewButton.setAttribute("aria-pressed", "true");
        });
    });
    previewButton.setAttribute("aria-pressed", "false");
    bar.appendChild(previewButton);
    area.parentNode.insertBefore(shell, area);
    shell.appendChild(bar);
    shell.appendChild(area);
    shell.appendChild(preview);
    shell.appendChild(pick.box);
  }

  document.querySelectorAll("main form textarea").forEach(enhance);
})();
