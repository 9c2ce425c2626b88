/* Fills every page's sidebar placeholder (#postbook-nav) with the whole book from POSTBOOK_NAV:
   one <details> per part (open on the part of this page), a plain list for a standalone chapter.
   Text goes in as text (never as HTML); links are made relative to this page. */
(function () {
  "use strict";
  /* Opened from disk (file://), the browser refuses the fetch() that Sphinx's search makes for
     each result's summary ("Failed to fetch" per result, on the console): list results without. */
  if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS === "object") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
  var data = window.POSTBOOK_NAV;
  var holder = document.getElementById("postbook-nav");
  if (!data || !holder) {
    return;
  }
  var root = document.documentElement.getAttribute("data-content_root") || "";
  var here = holder.getAttribute("data-page");
  var smallBook = data.parts.reduce(function (n, p) { return n + p.chapters.length; }, 0) <= 40;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function chapterList(chapters) {
    var list = element("ul", "nav bd-sidenav");
    var current = false;
    chapters.forEach(function (chapter) {
      var item = element("li", "toctree-l1");
      var link = element("a", "reference internal", chapter[1]);
      link.href = root + chapter[0];
      if (chapter[0] === here) {
        item.className += " current active";
        link.className += " current";
        link.setAttribute("aria-current", "page");
        current = true;
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    return { list: list, current: current };
  }

  function part(data) {
    var chapters = chapterList(data.chapters);
    if (data.standalone) {
      return chapters.list;
    }
    var box = element("details", "postbook-part");
    var summary = element("summary", "caption");
    summary.setAttribute("role", "heading");
    summary.setAttribute("aria-level", "2");
    summary.appendChild(element("span", "caption-text", data.caption));
    box.appendChild(summary);
    box.appendChild(chapters.list);
    box.open = chapters.current || smallBook;
    return box;
  }

  var fragment = document.createDocumentFragment();
  data.parts.forEach(function (p) { fragment.appendChild(part(p)); });
  holder.appendChild(fragment);
})();
