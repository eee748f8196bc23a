/* movemap: tables that read as cards on a narrow screen, and buttons that print the page.
 *
 * On a phone a table of six columns cannot fit 360 px without scrolling sideways. Each cell of a
 * table with a header row gets data-label (its column's heading), and the table gets
 * data-cards; the style sheet then shows each row as a card of "heading: value" lines below
 * 40rem. Without this script the tables scroll inside their own box instead.
 */
(function () {
  "use strict";

  function headings(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) {
      return null;
    }
    var labels = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var span = cell.colSpan || 1;
      for (var i = 0; i < span; i += 1) {
        labels.push(cell.textContent.replace(/\s+/g, " ").trim());
      }
    });
    return labels;
  }

  function label(table) {
    var labels = headings(table);
    if (!labels) {
      return;
    }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (labels[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.setAttribute("data-cards", "true");
  }

  function labelAll(root) {
    root.querySelectorAll("table").forEach(label);
  }

  labelAll(document);
  /* a button that prints the page (the summary for a board paper) */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  /* tables drawn later (a person's neighbourhood on the network page) get the same */
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) {
          if (node.tagName === "TABLE") {
            label(node);
          } else {
            labelAll(node);
          }
        }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
