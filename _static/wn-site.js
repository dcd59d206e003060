/* The course's page script (Jupyter Book adds every .js in _static to every page).
 *
 * 1. Boxes too wide for their column (display equations, printed tables, code) scroll
 *    inside themselves: the ones that do get .wn-scrolls, a tab stop (keyboard users can
 *    scroll them) and .wn-more-left / .wn-more-right, which course.css draws as shadows at
 *    the edge where more is hidden. Re-checked after MathJax typesets and on resize.
 * 2. Search result snippets: Sphinx's searchtools turns a page's HTML into text for the
 *    snippet (Search.htmlToText); the math there is raw TeX (MathJax has not run on the
 *    fetched HTML), so it is replaced by a plain-text reading first ("\|x^*\|" -> "‖x*‖").
 */
(function () {
  "use strict";

  // ------------------------------------------------------------- 1. scroll cues
  var WIDE = 'mjx-container[display="true"], div.cell_output pre, div.highlight pre, ' +
    ".output pre, .pst-scrollable-table-container, .table-wrapper, .bd-article table";

  function cue(el) {
    var scrolls = el.scrollWidth - el.clientWidth > 1;
    el.classList.toggle("wn-scrolls", scrolls);
    el.classList.toggle("wn-more-left", scrolls && el.scrollLeft > 1);
    el.classList.toggle("wn-more-right",
      scrolls && el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("data-wn-tab", "1");
    } else if (!scrolls && el.getAttribute("data-wn-tab") === "1") {
      el.removeAttribute("tabindex");
      el.removeAttribute("data-wn-tab");
    }
  }

  function markAll() {
    Array.prototype.forEach.call(document.querySelectorAll(WIDE), cue);
    document.documentElement.setAttribute("data-wn-scroll", "1");
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(markAll, 150);
  });
  document.addEventListener("scroll", function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains("wn-scrolls")) { cue(t); }
  }, true);
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(markAll, markAll);
    } else {
      markAll();
    }
  });

  // ------------------------------------------------------------- 2. search snippets
  var SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε",
    zeta: "ζ", eta: "η", theta: "θ", vartheta: "θ", kappa: "κ", lambda: "λ", mu: "μ",
    nu: "ν", xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ",
    chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ",
    Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω", top: "ᵀ", perp: "⊥", infty: "∞",
    le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", sim: "∼",
    propto: "∝", equiv: "≡", to: "→", rightarrow: "→", Rightarrow: "⇒", leftarrow: "←",
    iff: "⇔", implies: "⇒", mapsto: "↦", in: "∈", notin: "∉", subset: "⊂",
    subseteq: "⊆", cup: "∪", cap: "∩", cdot: "·", times: "×", pm: "±", mp: "∓",
    sum: "Σ", prod: "∏", int: "∫", partial: "∂", nabla: "∇", ldots: "…", cdots: "⋯",
    dots: "…", lVert: "‖", rVert: "‖", Vert: "‖", lvert: "|", rvert: "|", vert: "|",
    mid: "|", parallel: "∥", setminus: "∖", langle: "⟨", rangle: "⟩", forall: "∀", exists: "∃", star: "*", ast: "*",
    circ: "∘", ell: "ℓ", min: "min", max: "max", log: "log", ln: "ln", exp: "exp",
    lim: "lim", sup: "sup", inf: "inf", det: "det", sin: "sin", cos: "cos", tan: "tan",
    arg: "arg", argmin: "argmin", quad: " ", qquad: " ", dot: "", hat: "", bar: "",
    tilde: "", vec: "",
  };

  function texToText(tex) {
    var s = tex.trim()
      .replace(/^(\\\[|\\\(|\$\$|\$)/, "").replace(/(\\\]|\\\)|\$\$|\$)$/, "")
      .replace(/\\(begin|end)\{[A-Za-z*]+\}/g, " ")
      .replace(/\\label\{[^{}]*\}|\\tag\{[^{}]*\}|\\nonumber/g, "")
      .replace(/\\mathbb\s*\{R\}/g, "ℝ")
      .replace(/\\(mathbb|mathbf|mathrm|mathcal|mathit|operatorname|text|textrm|textbf|boldsymbol|bm)\s*\{([^{}]*)\}/g, "$2");
    for (var i = 0; i < 3; i++) {
      s = s.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)")
        .replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)");
    }
    s = s.replace(/\\(left|right|big|Big|bigg|Bigg)(?![A-Za-z])/g, "")
      .replace(/\\\|/g, "‖").replace(/\\[{}]/g, function (m) { return m.charAt(1); })
      .replace(/\\[,;:! ]/g, " ").replace(/\\\\/g, "; ")
      .replace(/\\([A-Za-z]+)/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(SYMBOLS, name) ? SYMBOLS[name] : "";
      })
      .replace(/\^\{\s*(\*|ᵀ|⊥|\S)\s*\}/g, "$1").replace(/\^\{([^{}]*)\}/g, "^($1)")
      .replace(/\^(\*|ᵀ|⊥)/g, "$1")
      .replace(/_\{([^{}]*)\}/g, "_$1")
      .replace(/[{}&]/g, "").replace(/\s+/g, " ");
    return s.trim();
  }
  window.wnTexToText = texToText;

  function patchSearch() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.htmlToText.wnPatched) {
      return;
    }
    var original = Search.htmlToText;
    var patched = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      Array.prototype.forEach.call(doc.querySelectorAll(".math"), function (el) {
        el.textContent = " " + texToText(el.textContent) + " ";
      });
      return original.call(Search, doc.documentElement.outerHTML, anchor);
    };
    patched.wnPatched = true;
    Search.htmlToText = patched;
  }
  patchSearch();
  document.addEventListener("DOMContentLoaded", patchSearch);
})();
