// Small page behaviours, kept out of the templates: the Content-Security-Policy (declarations/middleware.py)
// allows no inline script or event handler.
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // <form data-confirm="question">: ask before submitting.
  document.addEventListener(
    "submit",
    function (event) {
      var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
      }
    },
    true
  );

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // <datalist id="x" data-hs-for="input id" data-hs-url="...">: HS code autocomplete on that input.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("datalist[data-hs-for]").forEach(function (list) {
      var input = document.getElementById(list.getAttribute("data-hs-for"));
      if (!input) {
        return;
      }
      input.setAttribute("list", list.id);
      input.setAttribute("hx-get", list.getAttribute("data-hs-url"));
      input.setAttribute("hx-trigger", "input changed delay:300ms");
      input.setAttribute("hx-target", "#" + list.id);
      if (window.htmx) {
        window.htmx.process(input);
      }
    });
  });
})();
