// The filter panel is open in the HTML (so it works without JavaScript); on a phone it starts
// folded, so the results come first.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var panel = document.getElementById("park-filters");
  if (panel && window.matchMedia("(max-width: 50rem)").matches) {
    panel.open = false;
  }
});
