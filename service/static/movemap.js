/* movemap: draw the figures of a page and make the network picture clickable.
 *
 * Figures arrive as JSON data blocks (<script type="application/json">), never as inline
 * scripts, so the Content-Security-Policy can allow scripts from our own origin only. Each
 * container gets data-figure-ready="true" once Plotly has drawn it (the browser tests wait for
 * it), or data-figure-error with the reason.
 */
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function draw(container) {
    var block = document.getElementById(container.getAttribute("data-figure"));
    if (!block || typeof Plotly === "undefined") {
      container.setAttribute("data-figure-error", "plotly.js or the figure data is missing");
      return;
    }
    var fig;
    try {
      fig = JSON.parse(block.textContent);
    } catch (err) {
      container.setAttribute("data-figure-error", "the figure data is not JSON");
      return;
    }
    var network = container.hasAttribute("data-view");
    var config = Object.assign({}, CONFIG, { scrollZoom: network });
    if (!network) {
      config.displayModeBar = false;
    }
    /* frames: an animation's pictures, played by its buttons and slider */
    Plotly.newPlot(container, { data: fig.data, layout: fig.layout, frames: fig.frames,
                                config: config }).then(function () {
      container.setAttribute("data-figure-ready", "true");
      if (network) {
        wireNetwork(container);
      }
      if (fig.frames && fig.frames.length) {
        wireAnimation(container, fig);
      }
    }, function (err) {
      container.setAttribute("data-figure-error", String(err));
    });
  }

  /* -- an animation: buttons a keyboard reaches, and the date it shows --------------------- */

  /* Plotly.animate's promise is rejected, with no reason, whenever a new animation interrupts
   * one in progress (Pause, or the slider while playing): expected, so not an error. */
  var animated = false;
  window.addEventListener("unhandledrejection", function (event) {
    if (animated && event.reason === undefined) {
      event.preventDefault();
    }
  });

  /* The page's own Play and Pause buttons ([data-animate="play"|"pause"][data-for=id]) do
   * what the figure's do, from the keyboard too; an element [data-animation-date][data-for=id]
   * says which date the picture shows. */
  function wireAnimation(plot, fig) {
    animated = true;
    var id = plot.id;
    var said = document.querySelector('[data-animation-date][data-for="' + id + '"]');
    var names = fig.frames.map(function (frame) { return frame.name; });
    function say(name) {
      if (said && name) {
        said.textContent = name;
      }
    }
    plot.on("plotly_animatingframe", function (event) { say(event && event.name); });
    plot.on("plotly_sliderchange", function (event) {
      say(event && event.step && event.step.args && event.step.args[0] && event.step.args[0][0]);
    });
    document.querySelectorAll('[data-animate][data-for="' + id + '"]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var play = button.getAttribute("data-animate") === "play";
        var options = play
          ? { frame: { duration: 800, redraw: true }, transition: { duration: 250 },
              fromcurrent: true }
          : { mode: "immediate", frame: { duration: 0, redraw: false },
              transition: { duration: 0 } };
        var step = plot.layout.sliders ? plot.layout.sliders[0].active : 0;
        var frames = play ? (step >= names.length - 1 ? names : null) : [null];
        Plotly.animate(plot, frames, options).catch(function () { return null; });
      });
    });
  }

  /* -- picking a person as you type --------------------------------------------------------- */

  /* An input with data-person-search (a URL) and a list="…" <datalist> gets the people whose
   * name, organisation or id match what is typed, accents and case aside. Each option's value
   * is the person's id (or name, with data-person-value="name", or "Name (organisation, id)"
   * with data-person-value="label"); its label tells people of the same name apart. Without
   * this script the input still takes a name or an id. */
  function wirePersonSearch(input) {
    var list = document.getElementById(input.getAttribute("list") || "");
    var url = input.getAttribute("data-person-search");
    var wanted = input.getAttribute("data-person-value");
    var key = wanted === "name" || wanted === "label" ? wanted : "id";
    if (!list || !url) {
      return;
    }
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (query === asked || query.length > 100) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        asked = query;
        if (!query) {
          list.textContent = "";
          return;
        }
        /* a POST: what is typed, part of a name, stays out of addresses and logs */
        var token = document.querySelector('meta[name="csrf-token"]');
        fetch(url, {
          method: "POST", credentials: "same-origin", body: new URLSearchParams({ q: query }),
          headers: { "Accept": "application/json",
                     "X-CSRFToken": token ? token.getAttribute("content") : "" }
        }).then(function (response) {
          return response.ok ? response.json() : { people: [] };
        }).then(function (body) {
          if (input.value.trim() !== query) {
            return;
          }
          list.textContent = "";
          (body.people || []).forEach(function (person) {
            var option = document.createElement("option");
            option.value = person[key] || person.id;
            option.label = person.label;
            option.textContent = person.label;
            list.appendChild(option);
          });
          input.setAttribute("data-found", query);
        }).catch(function () {
          list.textContent = "";
        });
      }, 150);
    });
  }

  document.querySelectorAll("input[data-person-search]").forEach(wirePersonSearch);

  /* A button [data-add-from=input id][data-add-to=textarea id] puts the person picked in the
   * input on a line of its own in the list (without scripts, people type the list). */
  document.querySelectorAll("button[data-add-from][data-add-to]").forEach(function (button) {
    var from = document.getElementById(button.getAttribute("data-add-from"));
    var to = document.getElementById(button.getAttribute("data-add-to"));
    if (!from || !to) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var picked = from.value.trim();
      if (!picked) {
        return;
      }
      var text = to.value.replace(/\s+$/, "");
      to.value = (text ? text + "\n" : "") + picked + "\n";
      from.value = "";
      from.focus();
    });
  });

  /* -- the network picture ------------------------------------------------------------------ */

  function currentParams() {
    return new URLSearchParams(window.location.search);
  }

  function wireNetwork(plot) {
    plot.on("plotly_click", function (event) {
      if (!event || !event.points || !event.points.length) {
        return;
      }
      var key = event.points[0].customdata;
      if (typeof key !== "string" || key.length < 3) {
        return;
      }
      var kind = key.slice(0, 2);
      var value = key.slice(2);
      if (kind === "p:") {
        showPerson(plot, value);
      } else if (kind === "s:") {
        var params = currentParams();
        params.set("segment", value);
        params.delete("view");
        params.delete("person");
        window.location.assign(plot.getAttribute("data-network-url") + "?" + params.toString());
      } else if (kind === "e:") {
        showEmpty(value);
      }
    });
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function segmentWords(segment) {
    var at = segment.indexOf(":");
    if (at < 1) {
      return segment.replace(/_/g, " ");
    }
    return segment.slice(at + 1).replace(/_/g, " ") + " (" + segment.slice(0, at).replace(/_/g, " ") + ")";
  }

  function showEmpty(segment) {
    var panel = document.getElementById("person-panel");
    panel.replaceChildren(
      el("h3", segmentWords(segment)),
      el("p", "An expected voice with nobody in the map yet. Find and invite people from here.")
    );
  }

  function showPerson(plot, id) {
    var panel = document.getElementById("person-panel");
    var stepsInput = document.getElementById("p-steps");
    var steps = stepsInput ? stepsInput.value : "1";
    var idInput = document.getElementById("p-id");
    if (idInput) {
      idInput.value = id;
    }
    var params = currentParams();
    params.set("id", id);
    params.set("steps", steps);
    panel.replaceChildren(el("p", "Loading…", { "class": "muted" }));
    fetch(plot.getAttribute("data-person-url") + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        panel.replaceChildren(el("p", result.body.message || "Could not load this person.", { "class": "error" }));
        return;
      }
      renderPerson(panel, result.body);
      highlight(plot, result.body);
    }).catch(function () {
      panel.replaceChildren(el("p", "Could not load this person; check the connection.", { "class": "error" }));
    });
  }

  function renderPerson(panel, data) {
    var p = data.person;
    var nodes = [el("h3", p.name || p.id)];
    var dl = el("dl", null, { "class": "details" });
    function row(label, value) {
      if (value === null || value === undefined || value === "") {
        return;
      }
      var div = el("div");
      div.append(el("dt", label), el("dd", String(value)));
      dl.append(div);
    }
    row("Id", p.id);
    row("Group", p.group_label + (p.other_groups.length ? " (also " + p.other_groups.join(", ") + ")" : ""));
    row("Organisation", p.organisation);
    row("Engagement", p.engagement + (p.in_core ? ", in the engaged core" : ""));
    row("Declared role", p.declared_role);
    row("Segments", p.segments.join(", "));
    row("Ties", p.ties);
    nodes.push(dl);
    data.rings.forEach(function (ring) {
      nodes.push(el("h4", ring.step + (ring.step > 1 ? " steps" : " step") + " out: " +
        ring.count.toLocaleString() + (ring.count === 1 ? " person" : " people")));
      if (ring.people.length) {
        var list = el("ul", null, { "class": "inline" });
        ring.people.forEach(function (q) {
          var li = el("li");
          li.append(el("a", q.name, { href: q.url }));
          list.append(li);
        });
        if (ring.count > ring.people.length) {
          list.append(el("li", "… and " + (ring.count - ring.people.length).toLocaleString() + " more"));
        }
        nodes.push(list);
      }
    });
    var open = el("p");
    open.append(el("a", "Open " + (p.name || p.id) + "'s page", { href: data.url }));
    nodes.push(open);
    panel.replaceChildren.apply(panel, nodes);
  }

  /* Where the picture drew each person (id -> [x, y]), read from its traces. */
  function positions(plot) {
    var where = {};
    plot.data.forEach(function (trace) {
      if (trace.meta === "highlight" || !trace.customdata) {
        return;
      }
      for (var i = 0; i < trace.customdata.length; i++) {
        var key = trace.customdata[i];
        if (typeof key === "string" && key.slice(0, 2) === "p:") {
          where[key.slice(2)] = [trace.x[i], trace.y[i]];
        }
      }
    });
    return where;
  }

  function highlight(plot, data) {
    var where = positions(plot);
    var xs = [];
    var ys = [];
    (data.around || []).forEach(function (id) {
      var at = where[id];
      if (at) {
        xs.push(at[0]);
        ys.push(at[1]);
      }
    });
    var self = where[data.person.id];
    var old = [];
    plot.data.forEach(function (trace, i) {
      if (trace.meta === "highlight") {
        old.push(i);
      }
    });
    var done = old.length ? Plotly.deleteTraces(plot, old) : Promise.resolve();
    var gl = plot.data.some(function (trace) { return trace.type === "scattergl"; });
    var type = gl ? "scattergl" : "scatter";
    var who = data.person.name || data.person.id;
    var traces = [{
      type: type, mode: "markers", x: xs, y: ys, meta: "highlight", hoverinfo: "skip",
      name: "Within " + data.steps + (data.steps > 1 ? " steps" : " step") + " of " + who,
      marker: { symbol: "circle-open", size: 18, color: "#CC79A7", line: { width: 2.5, color: "#CC79A7" } }
    }];
    if (self) {
      traces.push({
        type: type, mode: "markers", x: [self[0]], y: [self[1]], meta: "highlight",
        hoverinfo: "skip", name: "Selected: " + who,
        marker: { symbol: "circle-open-dot", size: 26, color: "#000000", line: { width: 3, color: "#000000" } }
      });
    }
    done.then(function () {
      return Plotly.addTraces(plot, traces);
    });
  }

  document.querySelectorAll("[data-figure]").forEach(draw);
})();
