// The language switcher posts the current page's address; add the #anchor the server never sees,
// so the reader lands on the same section in the other language.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("language-switcher") || !window.location.hash) {
    return;
  }
  var next = form.querySelector("input[name=next]");
  if (next && next.value.indexOf("#") === -1) {
    next.value += window.location.hash;
  }
});
