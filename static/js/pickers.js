/* Pickers (core.pickers): the text boxes of committee, mediator, office and region
   fields become searchable Tom Selects backed by the picker's endpoint, and region
   cascades load each level's options when the level above changes. Without this
   script the boxes take a typed name and the cascade its first levels; the server
   resolves both. The value submitted is the option's label, never an id. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  function withParams(url, params) {
    var query = Object.keys(params).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]);
    }).join("&");
    if (!query) { return url; }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + query;
  }

  // "committee received_on:on": the form fields whose values narrow the options, each
  // sent as the parameter after the colon (or under its own name).
  function forwarded(input) {
    return (input.dataset.pickerForward || "").split(" ").filter(Boolean).map(function (spec) {
      var parts = spec.split(":");
      return { field: parts[0], param: parts[1] || parts[0] };
    });
  }

  function fieldOf(form, name) {
    return form ? form.querySelector("[name='" + name + "']") : null;
  }

  // Several values: each with its own remove button. One value that may be left
  // empty (a filter): a button that clears it.
  function plugins(input, multiple) {
    var title = input.dataset.textClear;
    if (multiple) { return { remove_button: { title: title } }; }
    return input.required ? {} : { clear_button: { title: title } };
  }

  function enhance(input) {
    if (input.tomselect) { return; }
    var form = input.form;
    var forwards = forwarded(input);
    var multiple = input.dataset.pickerMultiple;
    var empty = input.dataset.textEmpty;
    var loading = input.dataset.textLoading;
    var select = new TomSelect(input, {
      valueField: "value",
      labelField: "label",
      searchField: ["label"],
      delimiter: multiple || "\u0000",
      maxItems: multiple ? null : 1,
      plugins: plugins(input, multiple),
      create: false,
      preload: "focus",
      // The endpoint has matched already (codes, committees' names): show what it sent.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var self = this;
        var params = { q: query };
        forwards.forEach(function (f) {
          var field = fieldOf(form, f.field);
          if (field && field.value) { params[f.param] = field.value; }
        });
        getJSON(withParams(input.dataset.picker, params)).then(function (data) {
          self.clearOptions();
          callback(data.results);
        }).catch(function () { callback(); });
      },
      render: {
        no_results: function (data, escape) {
          return "<div class=\"no-results\">" + escape(empty) + "</div>";
        },
        loading: function (data, escape) {
          return "<div class=\"loading\">" + escape(loading) + "</div>";
        }
      }
    });
    // Another committee (or date) means other mediators: search again.
    forwards.forEach(function (f) {
      var field = fieldOf(form, f.field);
      if (field) {
        field.addEventListener("change", function () { select.clearOptions(); });
      }
    });
  }

  function reset(select) {
    while (select.options.length > 1) { select.remove(1); }
    select.value = "";
    select.disabled = true;
  }

  function cascade(box) {
    var url = box.dataset.pickerCascade;
    var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-picker-level]"));
    var typed = box.querySelector(".region-typed");
    if (typed && !typed.value) { typed.classList.add("d-none"); }
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        if (typed) { typed.value = ""; typed.classList.add("d-none"); }
        selects.slice(index + 1).forEach(reset);
        var next = selects[index + 1];
        if (!next || !select.value) { return; }
        getJSON(withParams(url, { parent: select.value })).then(function (data) {
          data.results.forEach(function (region) {
            next.add(new Option(region.name, region.code));
          });
          next.disabled = data.results.length === 0;
        });
      });
    });
  }

  function setup(root) {
    root.querySelectorAll("input[data-picker]").forEach(enhance);
    root.querySelectorAll("[data-picker-cascade]").forEach(cascade);
  }

  // On the first load and in every fragment htmx swaps in.
  htmx.onLoad(setup);
})();
