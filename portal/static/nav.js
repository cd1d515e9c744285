/* The navigation works without this file (<details> opens and closes natively); with it, opening
   one group closes the others, and Escape or a click elsewhere closes them all. */
(function () {
  "use strict";
  var groups = document.querySelectorAll("[data-nav-group]");
  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () { if (group.open) { closeAll(group); } });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-nav-group]")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector("[data-nav-group][open]");
      if (open) { open.open = false; open.querySelector("summary").focus(); }
    }
  });
})();
