/* Progressive enhancement for the agenda builder; every page works without it.
   - Drag and drop of cases in the saksliste table (the up/down buttons do the same).
   - Live preview of the Markdown fields (the "Forhåndsvis" button does the same). */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function post(url, fields) {
    var body = new FormData();
    body.append("csrf_token", csrfToken());
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" });
  }

  /* ---- drag and drop ---- */
  var table = document.querySelector("table[data-order-url]");
  if (table) {
    var tbody = table.tBodies[0];
    var status = document.querySelector(".drag-status");
    var dragged = null;

    Array.prototype.forEach.call(tbody.rows, function (row) {
      row.draggable = true;
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.id);
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
        Array.prototype.forEach.call(tbody.rows, function (r) { r.classList.remove("drop-target"); });
      });
      row.addEventListener("dragover", function (event) {
        if (!dragged || dragged === row) { return; }
        event.preventDefault();
        Array.prototype.forEach.call(tbody.rows, function (r) { r.classList.toggle("drop-target", r === row); });
      });
      row.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === row) { return; }
        var rows = Array.prototype.slice.call(tbody.rows);
        var after = rows.indexOf(dragged) < rows.indexOf(row);
        tbody.insertBefore(dragged, after ? row.nextSibling : row);
        var order = Array.prototype.map.call(tbody.rows, function (r) { return r.dataset.id; });
        post(table.dataset.orderUrl, { order: order.join(",") }).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          if (status) { status.textContent = "Rekkefølgen er lagret."; }
        }).catch(function () {
          window.alert("Rekkefølgen kunne ikke lagres. Siden lastes på nytt.");
          window.location.reload();
        });
      });
    });
  }

  /* ---- live Markdown preview ---- */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-preview-url] textarea"), function (area) {
    var output = document.getElementById(area.id + "-preview");
    var previewUrl = area.form.dataset.previewUrl;
    if (!output) { return; }
    var timer = null;
    function update() {
      if (!area.value.trim()) { output.hidden = true; output.innerHTML = ""; return; }
      post(previewUrl, { text: area.value }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data) { return; }
        output.innerHTML = data.html; /* sanitised on the server (boardroom.text) */
        output.hidden = false;
      }).catch(function () { /* the Forhåndsvis button still works */ });
    }
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
  });
})();
