// The questionnaire's steps: skip logic as the person answers, "none of these" boxes, and
// which questions appeared, for screen readers. Every step works without it.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) { return; }

  function answers() {
    var a = {};
    new FormData(form).forEach(function (v, k) { if (v) { (a[k] = a[k] || []).push(v); } });
    return a;
  }
  function holds(c, a) {
    if (!c) { return true; }
    if (c.item) {
      var got = a[c.item] || [];
      if (!got.length) { return false; }
      // A number item's condition: one whole number within min and max, as on the server.
      if ("min" in c || "max" in c) { return got.length === 1 && /^[+-]?\d{1,7}$/.test(got[0]) && !(+got[0] < c.min || +got[0] > c.max); }
      if (c.any_of && c.any_of.length) { return got.some(function (g) { return c.any_of.indexOf(g) >= 0; }); }
      return !got.some(function (g) { return (c.none_of || []).indexOf(g) >= 0; });
    }
    if (c.all) { return c.all.every(function (s) { return holds(s, a); }); }
    if (c.any) { return c.any.some(function (s) { return holds(s, a); }); }
    return true;
  }
  // Show or hide questions as answers change (skip logic). A hidden question's answers are
  // cleared so they are never sent; the server ignores them anyway.
  function update() {
    var a = answers(), added = [];
    form.querySelectorAll("fieldset[data-show-if]").forEach(function (fs) {
      var show = holds(JSON.parse(fs.getAttribute("data-show-if")), a);
      if (fs.hidden === !show) { return; }
      fs.hidden = !show;
      if (!show) { fs.querySelectorAll("input").forEach(function (i) { i.checked = false; if (i.type === "number") { i.value = ""; } }); }
      var seen = fs.querySelector("input[name=seen]");
      if (show && !seen) {
        seen = document.createElement("input");
        seen.type = "hidden"; seen.name = "seen"; seen.value = fs.id.replace(/^item-/, "");
        fs.appendChild(seen);
      }
      if (!show && seen) { seen.remove(); }
      var legend = fs.querySelector("legend");
      if (show && legend) { added.push(legend.textContent); }
    });
    // Tell screen reader users which questions appeared, every one of them; they would not
    // see them otherwise.
    var live = document.getElementById("live");
    if (live && added.length) { live.textContent = live.dataset[added[1] ? "many" : "one"] + " " + added.join(" "); }
  }
  // "None of these" clears the other boxes, and the other way round. On "input", not
  // "change": a number's questions come up as it is typed, not once the box is left.
  form.addEventListener("input", function (e) {
    var t = e.target;
    if (t.type === "checkbox" && t.checked) {
      form.querySelectorAll("input[name='" + t.name + "']").forEach(function (o) {
        if (o !== t && (t.hasAttribute("data-exclusive") || o.hasAttribute("data-exclusive"))) { o.checked = false; }
      });
    }
    update();
  });
})();
