// Code pickers: <select data-code-picker="country" data-options-url="..."> becomes a searchable tom-select
// (static/vendor/tom-select). Options come once per table per page from the JSON endpoint, in the page's
// language; searching matches the code, the Chinese and the English name (and a currency's ISO letters).
// Goods lines added by htmx are set up on htmx:load. No inline script: the page's Content-Security-Policy.
(function () {
  "use strict";

  var tables = {};

  function options(url) {
    if (!tables[url]) {
      tables[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
        function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        }
      );
    }
    return tables[url];
  }

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    var picker = new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["value", "name_zh", "name_en", "iso"],
      sortField: [{ field: "$score" }, { field: "value" }],
      optgroupField: "group",
      optgroupValueField: "value",
      optgroupLabelField: "label",
      lockOptgroupOrder: true,
      allowEmptyOption: false,
      selectOnTab: true,
      closeAfterSelect: true,
      maxOptions: 1000,
      placeholder: select.getAttribute("data-placeholder") || "",
    });
    // The control's input gets the select's label (label[for] points at the select id, which tom-select keeps).
    picker.wrapper.setAttribute("data-code-picker", select.getAttribute("data-code-picker"));
    options(select.getAttribute("data-options-url")).then(
      function (data) {
        (data.optgroups || []).forEach(function (group) {
          picker.addOptionGroup(group.value, Object.assign({}, group));
        });
        data.options.forEach(function (shared) {
          // A copy per picker: tom-select keeps its own state (the <option> element) on each option object, and
          // the pickers of one table share the loaded data.
          var option = Object.assign({}, shared);
          if (picker.options[option.value]) {
            // The selected code's option came with the page: give it the names to search by, in place
            // (updateOption would unlink it from the <select>, which would then post an empty value).
            Object.assign(picker.options[option.value], option);
          } else {
            picker.addOption(option);
          }
        });
        picker.refreshOptions(false);
      },
      function () {
        picker.wrapper.classList.add("picker-offline");
      }
    );
  }

  function setUpWithin(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches("select[data-code-picker]")) {
      setUp(root);
    }
    root.querySelectorAll("select[data-code-picker]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpWithin(document);
  });
  document.addEventListener("htmx:load", function (event) {
    setUpWithin(event.detail && event.detail.elt);
  });
})();
