// The classification assistant on a goods line (templates/partials/classify_box.html). htmx fetches the
// suggestions; choosing one fills the line's code, legal units and tariff flags, and opens the declaration
// elements (申报要素) as labelled inputs joined in customs order with "|" into 规格型号 (gmodel).
// No inline script: the page's Content-Security-Policy forbids it.
(function () {
  "use strict";

  function field(line, name) {
    return line.querySelector('[name$="-' + name + '"]');
  }

  function setValue(el, value) {
    if (!el) {
      return;
    }
    if (el.tomselect) {
      // A picker widget (tom-select) keeps its own options: add the value if it does not know it yet.
      if (value && !el.tomselect.options[value]) {
        el.tomselect.addOption({ value: value, text: value });
      }
      el.tomselect.setValue(value, true);
    } else {
      el.value = value;
    }
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // A flag the tariff sets is ticked and marked; choosing another code unticks only what the tariff ticked.
  function setFlag(line, name, on) {
    var el = field(line, name);
    if (!el) {
      return;
    }
    if (on) {
      if (!el.checked) {
        el.checked = true;
        el.setAttribute("data-from-tariff", "1");
      }
    } else if (el.getAttribute("data-from-tariff")) {
      el.checked = false;
      el.removeAttribute("data-from-tariff");
    }
  }

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    node.textContent = content;
    return node;
  }

  function renderElements(box, line, suggestion) {
    var container = box.querySelector(".classify-elements");
    var gmodel = field(line, "gmodel");
    container.textContent = "";
    if (!suggestion.elements || !suggestion.elements.length || !gmodel) {
      container.hidden = true;
      return;
    }
    var current = gmodel.value ? gmodel.value.split("|") : [];
    var prefill = current.length === suggestion.elements.length ? current : [];
    container.appendChild(text("p", "classify-elements-title", box.getAttribute("data-t-elements")));
    var inputs = [];
    var preview = text("output", "classify-preview", "");
    var original = gmodel.value;
    function join() {
      var values = inputs.map(function (input) {
        return input.value.replace(/\|/g, "/").trim();
      });
      // Nothing typed yet: the model / specification keeps what it had (no "|||" is written for the user).
      gmodel.value = values.some(Boolean) ? values.join("|") : original;
      preview.textContent = values.join("|");
    }
    var grid = document.createElement("div");
    grid.className = "classify-element-grid";
    suggestion.elements.forEach(function (name, i) {
      var label = document.createElement("label");
      label.className = "classify-element";
      label.appendChild(text("span", "", (i + 1) + ". " + name));
      var input = document.createElement("input");
      input.type = "text";
      input.setAttribute("data-element", String(i + 1));
      input.value = prefill[i] || "";
      input.addEventListener("input", join);
      label.appendChild(input);
      grid.appendChild(label);
      inputs.push(input);
    });
    container.appendChild(grid);
    var previewLine = text("p", "classify-preview-line", box.getAttribute("data-t-preview") + " ");
    previewLine.appendChild(preview);
    container.appendChild(previewLine);
    container.hidden = false;
    join();
    inputs[0].focus();
  }

  function renderChosen(box, suggestion) {
    var facts = box.querySelector("[data-tariff-facts]");
    facts.textContent = "";
    var head = suggestion.code + " " + suggestion.name;
    if (suggestion.unit1_label) {
      head += " · " + box.getAttribute("data-t-units") + " " + suggestion.unit1_label;
      if (suggestion.unit2_label) {
        head += " / " + suggestion.unit2_label;
      }
    }
    facts.appendChild(text("p", "tariff-known", box.getAttribute("data-t-chosen") + " " + head));
    if (!suggestion.in_tariff) {
      facts.appendChild(text("p", "tariff-unknown", box.getAttribute("data-t-unknown")));
    } else if (suggestion.flag_reasons.length) {
      var list = document.createElement("ul");
      list.className = "tariff-flags";
      suggestion.flag_reasons.forEach(function (reason) {
        list.appendChild(text("li", "tariff-flag", reason));
      });
      facts.appendChild(list);
    } else {
      facts.appendChild(text("p", "tariff-none", box.getAttribute("data-t-none")));
    }
  }

  function choose(button) {
    var suggestion = JSON.parse(button.getAttribute("data-suggestion"));
    var line = button.closest(".line");
    var box = button.closest("[data-classify]");
    if (!line || !box) {
      return;
    }
    setValue(field(line, "gcode"), suggestion.code);
    // The description typed becomes the goods name when there is none yet (never replaces one).
    var gname = field(line, "gname");
    var typed = box.querySelector(".classify-input").value.trim();
    if (gname && !gname.value && typed && !/^[0-9.\s]+$/.test(typed)) {
      setValue(gname, typed);
    }
    if (suggestion.in_tariff) {
      setValue(field(line, "unit1"), suggestion.unit1);
      setValue(field(line, "unit2"), suggestion.unit2);
      ["licence", "inspection", "tax"].forEach(function (flag) {
        setFlag(line, flag, suggestion.flags[flag]);
      });
    }
    box.querySelector(".classify-results").textContent = "";
    renderChosen(box, suggestion);
    renderElements(box, line, suggestion);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".classify-choice");
    if (button) {
      choose(button);
    }
  });

  // Keyboard: ↓ from the box to the first suggestion, ↑/↓ between them, Esc back to the box.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.closest) {
      return;
    }
    var box = target.closest("[data-classify]");
    if (!box) {
      return;
    }
    var choices = Array.prototype.slice.call(box.querySelectorAll(".classify-choice"));
    var at = choices.indexOf(target);
    if (event.key === "ArrowDown" && choices.length) {
      event.preventDefault();
      choices[Math.min(at + 1, choices.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? box.querySelector(".classify-input") : choices[at - 1]).focus();
    } else if (event.key === "Escape" && at >= 0) {
      box.querySelector(".classify-input").focus();
    }
  });
})();
