// The filter panel is open in the HTML (so it works without JavaScript); on a phone it starts
// folded, so the results come first.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var panel = document.getElementById("park-filters");
  if (panel && window.matchMedia("(max-width: 50rem)").matches) {
    panel.open = false;
  }
});

// On a phone the results are a list or a map, one at a time, chosen at the top of the results.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var choice = document.querySelector(".map-list-switch");
  var results = document.getElementById("park-results-and-map");
  var map = document.getElementById("park-map");
  if (!choice || !results || !map) {
    return;
  }
  var phone = window.matchMedia("(max-width: 63.99rem)");
  function show(which) {
    choice.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.show === which));
    });
    results.classList.toggle("showing-map", phone.matches && which === "map");
    results.classList.toggle("showing-list", phone.matches && which === "list");
    if (which === "map") {
      map.dispatchEvent(new CustomEvent("parkmap:shown"));
    }
  }
  function layout() {
    choice.hidden = !phone.matches;
    show(phone.matches ? "list" : "both");
  }
  choice.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-show]");
    if (button) {
      show(button.dataset.show);
    }
  });
  phone.addEventListener("change", layout);
  layout();
});
