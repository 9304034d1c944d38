/* Party rows of the case filing page, added and removed in place. Without this
   script the page still works: "Add a party" submits and the server answers with one
   more row; the Delete boxes leave rows out. Here the button copies the formset's
   empty row (its <template>) and a row's Delete button removes it; rows are
   renumbered so their names run 0..n-1 and TOTAL_FORMS counts them. */
(function () {
  "use strict";

  function renumber(fieldset, prefix) {
    var rows = fieldset.querySelectorAll("tbody.party-row");
    var pattern = new RegExp("^(id_)?" + prefix + "-(\\d+|__prefix__)(?=-|$)");
    rows.forEach(function (row, index) {
      row.querySelectorAll("[name], [id], [for], [aria-describedby], [data-field]").forEach(function (el) {
        ["name", "id", "for", "data-field"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) {
            el.setAttribute(attr, value.replace(pattern, "$1" + prefix + "-" + index));
          }
        });
        var described = el.getAttribute("aria-describedby");
        if (described) {
          el.setAttribute("aria-describedby", described.split(" ").map(function (id) {
            return id.replace(pattern, "$1" + prefix + "-" + index);
          }).join(" "));
        }
      });
    });
    fieldset.querySelector("#id_" + prefix + "-TOTAL_FORMS").value = rows.length;
  }

  function useButtons(row) {
    row.querySelectorAll(".party-delete").forEach(function (box) { box.hidden = true; });
    row.querySelectorAll(".party-remove").forEach(function (button) { button.hidden = false; });
  }

  document.querySelectorAll("fieldset.party-formset").forEach(function (fieldset) {
    // The formset's prefix, from its management form: "parties" in parties-TOTAL_FORMS.
    var prefix = fieldset.querySelector("input[name$='-TOTAL_FORMS']").name.replace(/-TOTAL_FORMS$/, "");
    var table = fieldset.querySelector("table");
    var template = fieldset.querySelector("template.party-template");
    var add = fieldset.querySelector(".party-add");
    // A row already marked Delete (the page came back with an error) is left out
    // now, as its box asked: with the script, rows go away rather than being ticked.
    fieldset.querySelectorAll("tbody.party-row").forEach(function (row) {
      var box = row.querySelector(".party-delete input");
      if (box && box.checked) {
        row.remove();
      } else {
        useButtons(row);
      }
    });
    renumber(fieldset, prefix);

    add.addEventListener("click", function (event) {
      event.preventDefault();
      var row = template.content.querySelector("tbody.party-row").cloneNode(true);
      useButtons(row);
      table.appendChild(row);
      renumber(fieldset, prefix);
      row.querySelector("select, input:not([type=hidden])").focus();
    });

    table.addEventListener("click", function (event) {
      var button = event.target.closest(".party-remove");
      if (!button) {
        return;
      }
      button.closest("tbody.party-row").remove();
      renumber(fieldset, prefix);
      add.focus();
    });
  });
})();
