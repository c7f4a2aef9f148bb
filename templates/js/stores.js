/* stores.js -- the filter of an edition's list of halls (index.html).
 *
 * The page lists every hall in a table per city; each row carries
 * data-city, data-type and data-id (templates/html/index.xsl). The form
 * above it stays hidden without this script, which shows it and, on
 * every change, hides the rows that do not match (and a city with none
 * left), says how many show, and keeps the choice in the address
 * (?city=…&type=…&q=…) so that a filtered list can be passed on. Its
 * initial values come from that address. Names are matched as typed,
 * after folding (NFKC, lower case). Nothing leaves the page. */
(function () {
  "use strict";
  var form = document.getElementById("store-filter");
  if (!form) return;
  var city = document.getElementById("filter-city");
  var type = document.getElementById("filter-type");
  var name = document.getElementById("filter-name");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("tr[data-city]"));
  var cities = Array.prototype.slice.call(
    document.querySelectorAll("section[data-city]"));

  function fold(s) { return s.normalize("NFKC").toLowerCase().trim(); }

  function has(select, value) {
    return Array.prototype.some.call(select.options, function (o) {
      return o.value === value;
    });
  }

  function apply() {
    var c = city.value, t = type.value, q = fold(name.value), shown = 0;
    rows.forEach(function (tr) {
      var ok = (!c || tr.getAttribute("data-city") === c) &&
        (!t || tr.getAttribute("data-type") === t) &&
        (!q || fold(tr.cells[0].textContent).indexOf(q) >= 0 ||
         fold(tr.getAttribute("data-id")).indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) shown++;
    });
    cities.forEach(function (sec) {
      sec.hidden = !sec.querySelector("tr[data-city]:not([hidden])");
    });
    count.textContent = (count.getAttribute("data-count") || "")
      .replace("{1}", String(shown)).replace("{2}", String(rows.length));
    var p = new URLSearchParams();
    if (c) p.set("city", c);
    if (t) p.set("type", t);
    if (name.value.trim()) p.set("q", name.value.trim());
    var search = p.toString();
    try {
      history.replaceState(null, "", search ? "?" + search : location.pathname);
    } catch (e) { /* some browsers refuse it from file:// */ }
  }

  var start = new URLSearchParams(location.search);
  if (has(city, start.get("city") || "")) city.value = start.get("city") || "";
  if (has(type, start.get("type") || "")) type.value = start.get("type") || "";
  name.value = start.get("q") || "";
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  city.addEventListener("change", apply);
  type.addEventListener("change", apply);
  name.addEventListener("input", apply);
  apply();
})();
