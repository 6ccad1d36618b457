// The article page: the contents control (open beside the text on a wide screen, marking the section
// being read) and the editors' notes opened in place from their numbers on a phone. Without this
// script the contents still open from their summary and each note number links to the list at the end.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 64rem)");
  var panel = document.getElementById("toc-panel");
  if (panel) {
    var current = panel.querySelector(".toc-current");
    var links = {};
    panel.querySelectorAll(".toc-list a[href^='#']").forEach(function (link) {
      links[link.getAttribute("href").slice(1)] = link;
    });
    var layout = function () { panel.open = wide.matches; };
    layout();
    wide.addEventListener("change", layout);
    // On a phone the open list covers the text: a chosen entry closes it.
    panel.addEventListener("click", function (event) {
      if (event.target.closest(".toc-list a") && !wide.matches) panel.open = false;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.open && !wide.matches && panel.contains(document.activeElement)) {
        panel.open = false;
        panel.querySelector("summary").focus();
      }
    });
    // The section being read: the last (innermost) section crossing the top fifth of the window.
    var sections = Array.prototype.filter.call(
      document.querySelectorAll(".article-section, .article-subsection"),
      function (section) { var heading = section.querySelector("h2[id], h3[id]"); return heading && links[heading.id]; }
    );
    var crossing = new Set();
    var mark = function () {
      var reading = null;
      sections.forEach(function (section) { if (crossing.has(section)) reading = section; });
      Object.keys(links).forEach(function (id) { links[id].removeAttribute("aria-current"); });
      if (!reading) { current.textContent = ""; return; }
      var link = links[reading.querySelector("h2[id], h3[id]").id];
      link.setAttribute("aria-current", "location");
      var name = link.cloneNode(true);
      name.querySelectorAll(".editors-mark, .original-title").forEach(function (extra) { extra.remove(); });
      current.textContent = name.textContent.trim();
      // Keep the marked entry in sight in the sidebar's own scroll, without moving the page.
      var list = panel.querySelector(".toc-body");
      if (wide.matches && list.scrollHeight > list.clientHeight) {
        var top = link.offsetTop - list.offsetTop;
        if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 24) list.scrollTop = top - list.clientHeight / 3;
      }
    };
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) crossing.add(entry.target); else crossing.delete(entry.target);
        });
        mark();
      }, {rootMargin: "0px 0px -80% 0px"});
      sections.forEach(function (section) { observer.observe(section); });
    }
  }

  // Note numbers open their text in place on a phone; on a wide screen it stands in the margin.
  var notes = document.querySelectorAll(".note-ref a[data-sidenote]");
  var close = function (link) {
    link.setAttribute("aria-expanded", "false");
    document.getElementById(link.dataset.sidenote).classList.remove("is-open");
  };
  var enhance = function () {
    notes.forEach(function (link) {
      if (wide.matches) { close(link); link.removeAttribute("aria-expanded"); link.removeAttribute("aria-controls"); }
      else { link.setAttribute("aria-controls", link.dataset.sidenote); if (!link.hasAttribute("aria-expanded")) link.setAttribute("aria-expanded", "false"); }
    });
  };
  enhance();
  wide.addEventListener("change", enhance);
  notes.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (wide.matches) return;
      event.preventDefault();
      var open = link.getAttribute("aria-expanded") !== "true";
      link.setAttribute("aria-expanded", String(open));
      document.getElementById(link.dataset.sidenote).classList.toggle("is-open", open);
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && link.getAttribute("aria-expanded") === "true") close(link);
    });
  });
})();
