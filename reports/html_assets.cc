// The inline CSS and JavaScript of the HTML views; see html_assets.h. Kept as raw strings
// so the binary needs no files at run time. The script draws SVG from the embedded data and
// reduces long series to min/max per pixel column, so an hour at 100 ms opens quickly.
#include "reports/html_assets.h"

namespace healbench::report {

// clang-format off
const char* const kReportCss = R"css(body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0 auto; padding: 12px 20px 40px; max-width: 1640px; color: #1a1a1a; background: #fff; }
h1 { font-size: 22px; margin: 4px 0 6px; }
h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; }
.meta div { white-space: nowrap; }
.meta dt { display: inline; color: #555; }
.meta dt::after { content: ": "; }
.meta dd { display: inline; margin: 0; font-weight: 600; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 3px; font-weight: 700; }
.pass { background: #d9f0e7; color: #00553d; }
.fail { background: #fbe0d0; color: #8a3000; }
.na { color: #666; }
table { border-collapse: collapse; margin: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; font-weight: 600; }
td.l, th.l { text-align: left; }
tr.group td { border-top: 2px solid #ccc; }
.best { font-weight: 700; }
.panel { margin: 6px 0 10px; }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 16px; margin-left: 78px; }
.panel-title { font-weight: 600; margin-right: 8px; }
.key { display: inline-flex; align-items: center; gap: 5px; color: #333; }
.swatch { display: inline-block; width: 20px; height: 0; border-top: 3px solid; }
.swatch.dashed { border-top-style: dashed; }
.swatch.box { height: 11px; border: 1px solid #555; }
svg { display: block; font: 11px system-ui, "DejaVu Sans", sans-serif; overflow: visible; }
.plot-bg { fill: #fff; }
.frame { fill: none; stroke: #888; }
.grid line { stroke: #e6e6e6; }
.tick { fill: #444; }
.axis-label { fill: #333; font-size: 12px; }
.series { fill: none; stroke-width: 1.5; stroke-linejoin: round; }
.fault-line { stroke: #000; stroke-dasharray: 4 3; stroke-width: 1.2; }
.lane-bg { fill: #fafafa; stroke: #ddd; }
.lane-label { fill: #333; font-size: 12px; font-weight: 600; }
.lane-text { fill: #111; font-size: 11.5px; }
.sync { shape-rendering: crispEdges; }
.stall-text { fill: #9c3300; font-weight: 600; }
.fault line { stroke: #000; stroke-width: 1.5; }
.fault rect { fill: #000; fill-opacity: 0.28; }
.other-event line { stroke: #777; stroke-dasharray: 2 2; }
.other-event rect { fill: #777; fill-opacity: 0.15; }
.cursor { stroke: #555; stroke-width: 1; pointer-events: none; }
.readout { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #f6f6f6;
           border: 1px solid #ddd; padding: 4px 8px; margin: 4px 0 6px; min-height: 1.4em;
           white-space: pre-wrap; }
.dists { display: flex; flex-wrap: wrap; gap: 10px 24px; }
.dist .legend { margin-left: 74px; }
.note { color: #555; font-size: 12px; }
#js-errors { color: #8a3000; font-weight: 600; }
#js-errors:empty { display: none; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
@media print { .readout { display: none; } }
)css";

const char* const kErrorCatcherJs = R"js(window.onerror = function (msg, src, line, col) {
  var list = document.getElementById('js-errors');
  var li = document.createElement('li');
  li.className = 'js-error';
  li.textContent = 'Chart script failed: ' + msg + ' (line ' + line + ':' + col + ')';
  if (list) list.appendChild(li);
};
)js";

const char* const kReportJs = R"js((function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  var OP = {read: '#0072B2', write: '#E69F00', flush: '#CC79A7'};
  var PCT = {p50: '#009E73', p99: '#0072B2', p999: '#E69F00', max: '#000000'};
  var STALL = '#D55E00';
  var PHASE_FILL = {baseline: 'rgba(0,0,0,0.035)', degraded: 'rgba(230,159,0,0.16)',
                    healing: 'rgba(86,180,233,0.18)', recovered: 'rgba(0,158,115,0.12)'};
  var SYNC_FILL = {in_sync: '#009E73', degraded: '#E69F00', healing: '#56B4E9',
                   unknown: '#BBBBBB'};
  var RUNS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
  var M = {left: 78, right: 24, top: 8, bottom: 26};

  function svgEl(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function htmlEl(name, attrs, parent, text) {
    var e = document.createElement(name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svgText(parent, x, y, s, attrs) {
    var t = svgEl('text', attrs || {}, parent);
    t.setAttribute('x', x);
    t.setAttribute('y', y);
    t.textContent = s;
    return t;
  }
  function tip(node, s) { svgEl('title', {}, node).textContent = s; }

  function trim(v, digits) {
    var s = v.toFixed(digits);
    return s.indexOf('.') < 0 ? s : s.replace(/\.?0+$/, '');
  }
  function fmtS(s) {
    if (s === null || s === undefined) return 'n/a';
    var a = Math.abs(s);
    if (a === 0) return '0 s';
    if (a < 1e-6) return trim(s * 1e9, 0) + ' ns';
    if (a < 1e-3) return trim(s * 1e6, a < 1e-5 ? 2 : 1) + ' \u00b5s';
    if (a < 1) return trim(s * 1e3, a < 1e-2 ? 2 : 1) + ' ms';
    return trim(s, a < 10 ? 2 : 1) + ' s';
  }
  function fmtNs(ns) { return fmtS(ns / 1e9); }
  function fmtNum(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return trim(v / 1e9, 2) + 'G';
    if (a >= 1e6) return trim(v / 1e6, 2) + 'M';
    if (a >= 1e4) return trim(v / 1e3, 1) + 'k';
    return trim(v, a < 10 ? 2 : 1);
  }
  function fmtT(t) { return trim(t, 3); }

  function niceTicks(lo, hi, n) {
    var span = hi - lo;
    if (!(span > 0)) return [lo];
    var raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; })
        .filter(function (s) { return s >= raw; })[0];
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }
  function linScale(d0, d1, r0, r1) {
    var k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
    return function (v) { return r0 + (v - d0) * k; };
  }
  function logScale(d0, d1, r0, r1) {
    var l0 = Math.log10(d0), k = (r1 - r0) / (Math.log10(d1) - l0);
    return function (v) { return r0 + (Math.log10(Math.max(v, d0)) - l0) * k; };
  }

  // Path through (ts[i], ys[i]) reduced to first/min/max/last per pixel column, so an hour
  // at 100 ms (36,000 points) draws as ~4 points per pixel and keeps every spike.
  // skipZero: a zero latency means no I/O completed in the interval, drawn as a gap.
  function linePath(ts, ys, sx, sy, shift, skipZero) {
    var d = [], col = null, first, mn, mx, last, pen = 'M';
    function flush() {
      if (col === null) return;
      var pts = [first, mn, mx, last], prev = null;
      for (var j = 0; j < 4; ++j) {
        if (pts[j] === prev) continue;
        d.push(pen + col + ',' + sy(pts[j]).toFixed(1));
        pen = 'L';
        prev = pts[j];
      }
      col = null;
    }
    for (var i = 0; i < ts.length; ++i) {
      var v = ys[i];
      if (v === null || v === undefined || (skipZero && v <= 0)) { flush(); pen = 'M'; continue; }
      var px = Math.round(sx(ts[i] - shift));
      if (px !== col) { flush(); col = px; first = mn = mx = last = v; continue; }
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      last = v;
    }
    flush();
    return d.join('');
  }
  function seriesMax(list) {
    var m = 0;
    list.forEach(function (ys) {
      for (var i = 0; i < ys.length; ++i) if (ys[i] > m) m = ys[i];
    });
    return m;
  }
  function seriesMinPositive(list) {
    var m = Infinity;
    list.forEach(function (ys) {
      for (var i = 0; i < ys.length; ++i) if (ys[i] > 0 && ys[i] < m) m = ys[i];
    });
    return m;
  }

  function legend(parent, title, items) {
    var box = htmlEl('div', {'class': 'legend'}, parent);
    htmlEl('span', {'class': 'panel-title'}, box, title);
    items.forEach(function (it) {
      var s = htmlEl('span', {'class': 'key'}, box);
      var sw = htmlEl('span', {'class': 'swatch' + (it.dash ? ' dashed' : '')}, s);
      sw.style.borderColor = it.color;
      if (it.fill) { sw.style.background = it.color; sw.className = 'swatch box'; }
      s.appendChild(document.createTextNode(it.name));
    });
    return box;
  }

  // One chart panel on the shared time axis. opt: {title, keys, height, x0, x1, xlabel,
  // ylabel, y: 'lin'|'log', ymin, ymax, yfmt, background(svg, sx, top, bottom)}.
  function panel(parent, width, opt) {
    var wrap = htmlEl('div', {'class': 'panel'}, parent);
    legend(wrap, opt.title, opt.keys || []);
    var h = (opt.height || 170) + (opt.xlabel ? 16 : 0);
    var svg = svgEl('svg', {width: width, height: h, viewBox: '0 0 ' + width + ' ' + h,
                            role: 'img', 'aria-label': opt.title}, wrap);
    var top = M.top, bottom = h - M.bottom - (opt.xlabel ? 16 : 0), left = M.left, right = width - M.right;
    var sx = linScale(opt.x0, opt.x1, left, right);
    var sy;
    svgEl('rect', {x: left, y: top, width: right - left, height: bottom - top,
                   'class': 'plot-bg'}, svg);
    if (opt.background) opt.background(svg, sx, top, bottom);
    var grid = svgEl('g', {'class': 'grid'}, svg);
    var yt = [];
    if (opt.y === 'log') {
      var lo = Math.pow(10, Math.floor(Math.log10(opt.ymin)));
      var hi = Math.pow(10, Math.ceil(Math.log10(Math.max(opt.ymax, lo * 10))));
      sy = logScale(lo, hi, bottom, top);
      for (var p = lo; p <= hi * 1.0001; p *= 10) yt.push(p);
    } else {
      var ymax = opt.ymax > 0 ? opt.ymax * 1.08 : 1;
      yt = niceTicks(0, ymax, Math.max(2, Math.floor((bottom - top) / 35)));
      ymax = Math.max(ymax, yt[yt.length - 1]);
      sy = linScale(0, ymax, bottom, top);
    }
    yt.forEach(function (v) {
      var y = sy(v).toFixed(1);
      svgEl('line', {x1: left, x2: right, y1: y, y2: y}, grid);
      svgText(svg, left - 6, +y + 4, (opt.yfmt || fmtNum)(v), {'class': 'tick', 'text-anchor': 'end'});
    });
    niceTicks(opt.x0, opt.x1, Math.max(2, Math.floor((right - left) / 90))).forEach(function (v) {
      var x = sx(v).toFixed(1);
      svgEl('line', {x1: x, x2: x, y1: top, y2: bottom}, grid);
      svgText(svg, x, bottom + 15, fmtT(v), {'class': 'tick', 'text-anchor': 'middle'});
    });
    svgText(svg, 12, (top + bottom) / 2, opt.ylabel,
            {'class': 'axis-label', transform: 'rotate(-90 12 ' + (top + bottom) / 2 + ')',
             'text-anchor': 'middle'});
    if (opt.xlabel) svgText(svg, (left + right) / 2, h - 4, opt.xlabel, {'class': 'axis-label', 'text-anchor': 'middle'});
    svgEl('rect', {x: left, y: top, width: right - left, height: bottom - top, 'class': 'frame'}, svg);
    return {svg: svg, sx: sx, sy: sy, top: top, bottom: bottom, left: left, right: right,
            log: opt.y === 'log'};
  }
  function drawLine(pn, ts, ys, color, shift, dash) {
    var d = linePath(ts, ys, pn.sx, pn.sy, shift || 0, pn.log);
    if (!d) return;
    var a = {d: d, stroke: color, 'class': 'series'};
    if (dash) a['stroke-dasharray'] = dash;
    svgEl('path', a, pn.svg);
  }

  function eventName(e) { return e.action + (e.node ? ' ' + e.node : ''); }

  // Phase bands, faint stall shading and fault lines behind every timeline panel.
  function backdrop(data) {
    return function (svg, sx, top, bottom) {
      data.phases.forEach(function (p) {
        svgEl('rect', {x: sx(p.start_s), y: top, width: Math.max(0, sx(p.end_s) - sx(p.start_s)),
                       height: bottom - top, fill: PHASE_FILL[p.name] || 'rgba(0,0,0,0.05)'}, svg);
      });
      data.stalls.forEach(function (s) {
        svgEl('rect', {x: sx(s.start_s), y: top, width: Math.max(1, sx(s.end_s) - sx(s.start_s)),
                       height: bottom - top, fill: STALL, 'fill-opacity': 0.12}, svg);
      });
      data.events.forEach(function (e) {
        if (e.kind !== 'fault') return;
        var x = sx(e.t_s).toFixed(1);
        svgEl('line', {x1: x, x2: x, y1: top, y2: bottom, 'class': 'fault-line'}, svg);
      });
    };
  }

  // Labels placed in up to `rows` rows so neighbours do not overlap; returns the row or -1.
  function placer(rows) {
    var ends = [];
    for (var i = 0; i < rows; ++i) ends.push(-Infinity);
    return function (x, w) {
      for (var r = 0; r < rows; ++r) if (x >= ends[r] + 4) { ends[r] = x + w; return r; }
      return -1;
    };
  }

  // The lanes above the charts: phases, events (faults and others), stalls, sync state.
  function lanes(parent, width, data, x0, x1) {
    var laneH = 22, names = ['Phases', 'Events', 'Stalls'];
    var hasSync = data.sync.length > 0;
    if (hasSync) names.push('Sync state');
    var eventRows = 2;
    var heights = [laneH, laneH * eventRows, laneH, laneH];
    var h = M.top, ys = [];
    names.forEach(function (n, i) { ys.push(h); h += heights[i] + 4; });
    h += M.bottom - 4;
    var wrap = htmlEl('div', {'class': 'panel'}, parent);
    var keys = [{name: 'fault (start\u2013end)', color: '#000', dash: true},
                {name: 'stall (I/Os slower than the threshold)', color: STALL, fill: true}];
    if (hasSync) {
      ['in_sync', 'degraded', 'healing', 'unknown'].forEach(function (s) {
        keys.push({name: s.replace('_', ' '), color: SYNC_FILL[s], fill: true});
      });
    }
    legend(wrap, 'What happened', keys);
    var svg = svgEl('svg', {width: width, height: h, role: 'img', 'aria-label': 'phases, events, stalls'}, wrap);
    var left = M.left, right = width - M.right, sx = linScale(x0, x1, left, right);
    names.forEach(function (n, i) {
      svgText(svg, left - 6, ys[i] + heights[i] / 2 + 4, n, {'class': 'lane-label', 'text-anchor': 'end'});
      svgEl('rect', {x: left, y: ys[i], width: right - left, height: heights[i], 'class': 'lane-bg'}, svg);
    });
    data.phases.forEach(function (p) {
      var x = sx(p.start_s), w = Math.max(0, sx(p.end_s) - x);
      var r = svgEl('rect', {x: x, y: ys[0], width: w, height: heights[0],
                             fill: PHASE_FILL[p.name] || 'rgba(0,0,0,0.05)', 'class': 'phase'}, svg);
      tip(r, p.name + ': ' + fmtT(p.start_s) + ' s \u2013 ' + fmtT(p.end_s) + ' s');
      if (w > 40) svgText(svg, x + 4, ys[0] + 15, p.name, {'class': 'lane-text'});
    });
    var place = placer(eventRows);
    data.events.forEach(function (e) {
      var x = sx(e.t_s), x2 = e.end_s !== null ? sx(e.end_s) : x;
      var fault = e.kind === 'fault';
      var g = svgEl('g', {'class': fault ? 'fault' : 'other-event'}, svg);
      svgEl('line', {x1: x, x2: x, y1: ys[1], y2: ys[1] + heights[1]}, g);
      svgEl('rect', {x: x, y: ys[1] + 2, width: Math.max(2, x2 - x), height: heights[1] - 4}, g);
      var name = eventName(e) + (e.ok ? '' : ' (failed)');
      tip(g, e.kind + ' #' + e.id + ': ' + name + ' at ' + fmtT(e.t_s) + ' s' +
          (e.end_s !== null ? ', until ' + fmtT(e.end_s) + ' s' : ''));
      var w = name.length * 6.3, row = place(x + 3, w);
      if (row >= 0) svgText(g, x + 3, ys[1] + 15 + row * laneH, name, {'class': 'lane-text'});
    });
    var splace = placer(1);
    data.stalls.forEach(function (s) {
      var x = sx(s.start_s), w = Math.max(2, sx(s.end_s) - x);
      var r = svgEl('rect', {x: x, y: ys[2] + 2, width: w, height: heights[2] - 4, fill: STALL, 'class': 'stall'}, svg);
      var label = fmtS(s.duration_s) + (s.open ? ' (open)' : '');
      tip(r, 'stall ' + fmtT(s.start_s) + ' s \u2013 ' + fmtT(s.end_s) + ' s: ' + label + ' on ' + s.ops.join(', '));
      if (splace(x + w + 3, label.length * 6.3) >= 0) {
        svgText(svg, x + w + 3, ys[2] + 15, label, {'class': 'lane-text stall-text'});
      }
    });
    if (hasSync) {
      // Consecutive samples in one state are one span, labelled with how the pending amount
      // moved across it (e.g. "healing: 300 \u2192 0 pending").
      var spans = [];
      data.sync.forEach(function (smp) {
        var last = spans[spans.length - 1];
        if (last && last.state === smp.state) { last.end_s = smp.end_s; last.samples.push(smp); return; }
        spans.push({state: smp.state, t_s: smp.t_s, end_s: smp.end_s, samples: [smp]});
      });
      spans.forEach(function (sp) {
        var x = sx(sp.t_s), w = Math.max(1, sx(sp.end_s) - x);
        var r = svgEl('rect', {x: x, y: ys[3] + 2, width: w, height: heights[3] - 4,
                               fill: SYNC_FILL[sp.state] || '#BBBBBB', 'class': 'sync'}, svg);
        var name = sp.state.replace('_', ' '), a = sp.samples[0], b = sp.samples[sp.samples.length - 1];
        var pending = '', bytes = '';
        if (sp.state !== 'in_sync') {
          if (a.pending_entries !== null && b.pending_entries !== null) {
            pending = ': ' + (a.pending_entries === b.pending_entries ? a.pending_entries :
                a.pending_entries + ' \u2192 ' + b.pending_entries) + ' pending';
          }
          if (a.out_of_sync_bytes !== null && b.out_of_sync_bytes !== null && (a.out_of_sync_bytes || b.out_of_sync_bytes)) {
            bytes = (pending ? ', ' : ': ') + fmtBytes(a.out_of_sync_bytes) + ' \u2192 ' +
                fmtBytes(b.out_of_sync_bytes) + ' out of sync';
          }
        }
        tip(r, name + pending + bytes + ' (' + fmtT(sp.t_s) + ' s \u2013 ' + fmtT(sp.end_s) + ' s, ' +
            sp.samples.length + ' samples)');
        // The longest label that fits: with pending entries and bytes, pending only, the state.
        var fit = [name + pending + bytes, name + pending, name].filter(function (l) {
          return w > l.length * 6.3 + 6;
        })[0];
        if (fit) svgText(svg, x + 4, ys[3] + 15, fit, {'class': 'lane-text sync-text'});
      });
    }
    niceTicks(x0, x1, Math.max(2, Math.floor((right - left) / 90))).forEach(function (v) {
      svgText(svg, sx(v), h - 8, fmtT(v), {'class': 'tick', 'text-anchor': 'middle'});
    });
  }
  function fmtBytes(b) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (b >= 1024 && i < u.length - 1) { b /= 1024; ++i; }
    return trim(b, i ? 2 : 0) + ' ' + u[i];
  }
  function fmtLatencyTick(ns) { return fmtNs(ns); }

  // A readout of the values at the pointer, and a cursor line across all panels.
  function cursor(container, panels, t, describe) {
    var readout = htmlEl('div', {'class': 'readout'}, null, 'Point at a chart to read values.');
    container.insertBefore(readout, container.firstChild);
    var lines = panels.map(function (pn) {
      return svgEl('line', {x1: 0, x2: 0, y1: pn.top, y2: pn.bottom, 'class': 'cursor',
                            visibility: 'hidden'}, pn.svg);
    });
    panels.forEach(function (pn) {
      pn.svg.addEventListener('mousemove', function (ev) {
        var box = pn.svg.getBoundingClientRect(), px = ev.clientX - box.left;
        var tv = (px - pn.left) / (pn.right - pn.left) * (pn.x1 - pn.x0) + pn.x0;
        var lo = 0, hi = t.length - 1;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (t[mid] < tv) lo = mid + 1; else hi = mid; }
        if (lo > 0 && Math.abs(t[lo - 1] - tv) < Math.abs(t[lo] - tv)) --lo;
        lines.forEach(function (l) {
          l.setAttribute('x1', px);
          l.setAttribute('x2', px);
          l.setAttribute('visibility', 'visible');
        });
        readout.textContent = describe(lo);
      });
    });
  }

  function report(data, root) {
    var s = data.series, t = s.t_s;
    var width = Math.max(700, Math.min(root.clientWidth || 1200, 1600));
    var x0 = 0, x1 = Math.max(data.duration_s, t.length ? t[t.length - 1] : 1, 1e-3);
    var back = backdrop(data), xl = 'time since start (s)';
    lanes(root, width, data, x0, x1);
    var panels = [];
    function add(pn) { pn.x0 = x0; pn.x1 = x1; panels.push(pn); return pn; }
    var pn = add(panel(root, width, {title: 'Throughput: I/Os per second, per op', ylabel: 'IOPS',
      x0: x0, x1: x1, ymax: seriesMax([s.read_iops, s.write_iops, s.flush_iops]),
      background: back, keys: [{name: 'read', color: OP.read}, {name: 'write', color: OP.write},
                               {name: 'flush', color: OP.flush}]}));
    drawLine(pn, t, s.read_iops, OP.read);
    drawLine(pn, t, s.write_iops, OP.write);
    drawLine(pn, t, s.flush_iops, OP.flush);
    pn = add(panel(root, width, {title: 'Bandwidth: MiB per second, per op', ylabel: 'MiB/s',
      x0: x0, x1: x1, ymax: seriesMax([s.read_mib_s, s.write_mib_s]), background: back,
      keys: [{name: 'read', color: OP.read}, {name: 'write', color: OP.write}]}));
    drawLine(pn, t, s.read_mib_s, OP.read);
    drawLine(pn, t, s.write_mib_s, OP.write);
    var lat = [s.p50_ns, s.p99_ns, s.p999_ns, s.max_ns];
    pn = add(panel(root, width, {title: 'Latency per interval, all ops (log scale)', ylabel: 'latency',
      x0: x0, x1: x1, y: 'log', height: 220, ymin: Math.min(seriesMinPositive(lat), 1e3),
      ymax: Math.max(seriesMax(lat), 1e4), yfmt: fmtLatencyTick, background: back,
      keys: [{name: 'p50', color: PCT.p50}, {name: 'p99', color: PCT.p99},
             {name: 'p99.9', color: PCT.p999}, {name: 'max', color: PCT.max, dash: true}]}));
    drawLine(pn, t, s.max_ns, PCT.max, 0, '4 2');
    drawLine(pn, t, s.p999_ns, PCT.p999);
    drawLine(pn, t, s.p99_ns, PCT.p99);
    drawLine(pn, t, s.p50_ns, PCT.p50);
    pn = add(panel(root, width, {title: 'In-flight I/Os at the end of each interval', ylabel: 'I/Os',
      x0: x0, x1: x1, ymax: seriesMax([s.inflight]), background: back, height: 140,
      keys: [{name: 'in flight', color: '#000000'}]}));
    drawLine(pn, t, s.inflight, '#000000');
    pn = add(panel(root, width, {title: 'Age of the oldest in-flight I/O', ylabel: 'age (s)',
      x0: x0, x1: x1, xlabel: xl, ymax: seriesMax([s.oldest_inflight_age_s]), background: back,
      height: 140, yfmt: function (v) { return fmtT(v); },
      keys: [{name: 'oldest in-flight age', color: STALL}]}));
    drawLine(pn, t, s.oldest_inflight_age_s, STALL);
    cursor(root, panels, t, function (i) {
      return 't = ' + fmtT(t[i]) + ' s | IOPS read ' + fmtNum(s.read_iops[i]) + ', write ' +
          fmtNum(s.write_iops[i]) + ', flush ' + fmtNum(s.flush_iops[i]) + ' | MiB/s read ' +
          fmtNum(s.read_mib_s[i]) + ', write ' + fmtNum(s.write_mib_s[i]) + ' | p50 ' +
          fmtNs(s.p50_ns[i]) + ', p99 ' + fmtNs(s.p99_ns[i]) + ', p99.9 ' + fmtNs(s.p999_ns[i]) +
          ', max ' + fmtNs(s.max_ns[i]) + ' | in flight ' + s.inflight[i] + ', oldest ' +
          fmtS(s.oldest_inflight_age_s[i]) + (s.errors[i] ? ' | errors ' + s.errors[i] : '');
    });
    if (!t.length) htmlEl('p', {'class': 'note'}, root, 'No intervals were recorded in this run.');
  }

  // One exceedance plot per phase: the share of I/Os slower than x, log-log. A line crosses
  // 1% at that op's p99 and 0.1% at its p99.9, so tails stay visible.
  function distributions(data, root) {
    var lo = Infinity, hi = 0, minShare = 1;
    data.histograms.forEach(function (h) {
      ['read', 'write', 'flush'].forEach(function (op) {
        var n = 0;
        h[op].forEach(function (b) { n += b[2]; if (b[0] < lo) lo = b[0]; if (b[1] > hi) hi = b[1]; });
        if (n) minShare = Math.min(minShare, 1 / n);
      });
    });
    if (hi === 0) { htmlEl('p', {'class': 'note'}, root, 'No latency histograms in this run.'); return; }
    lo = Math.max(lo, 100);
    var ylo = Math.pow(10, Math.floor(Math.log10(minShare)));
    data.histograms.forEach(function (h) {
      var box = htmlEl('div', {'class': 'dist'}, root);
      var keys = [];
      ['read', 'write', 'flush'].forEach(function (op) { if (h[op].length) keys.push({name: op, color: OP[op]}); });
      legend(box, h.phase, keys);
      var w = 410, ht = 250, l = 74, r = w - 12, t = 8, b = ht - 34;
      var svg = svgEl('svg', {width: w, height: ht, role: 'img', 'aria-label': 'latency distribution ' + h.phase}, box);
      var x0 = Math.pow(10, Math.floor(Math.log10(lo))), x1 = Math.pow(10, Math.ceil(Math.log10(hi)));
      var sx = logScale(x0, x1, l, r), sy = logScale(ylo, 1, b, t);
      svgEl('rect', {x: l, y: t, width: r - l, height: b - t, 'class': 'plot-bg'}, svg);
      var grid = svgEl('g', {'class': 'grid'}, svg);
      for (var v = x0; v <= x1 * 1.0001; v *= 10) {
        svgEl('line', {x1: sx(v), x2: sx(v), y1: t, y2: b}, grid);
        svgText(svg, sx(v), b + 14, fmtNs(v), {'class': 'tick', 'text-anchor': 'middle'});
      }
      for (var y = ylo; y <= 1.0001; y *= 10) {
        svgEl('line', {x1: l, x2: r, y1: sy(y), y2: sy(y)}, grid);
        svgText(svg, l - 4, sy(y) + 4, trim(y * 100, 6) + '%', {'class': 'tick', 'text-anchor': 'end'});
      }
      svgText(svg, r, ht - 4, 'latency (log)', {'class': 'axis-label', 'text-anchor': 'end'});
      svgText(svg, 12, (t + b) / 2, 'share of I/Os slower', {'class': 'axis-label', 'text-anchor': 'middle',
                                                             transform: 'rotate(-90 12 ' + (t + b) / 2 + ')'});
      ['read', 'write', 'flush'].forEach(function (op) {
        var bins = h[op];
        if (!bins.length) return;
        var n = 0;
        bins.forEach(function (bb) { n += bb[2]; });
        var left = n, d = 'M' + sx(Math.max(bins[0][0], x0)).toFixed(1) + ',' + sy(1).toFixed(1);
        bins.forEach(function (bb) {
          left -= bb[2];
          var x = sx(Math.max(bb[1], x0)).toFixed(1);
          d += 'L' + x + ',' + sy(Math.max(left / n, ylo)).toFixed(1);
        });
        svgEl('path', {d: d, stroke: OP[op], 'class': 'series'}, svg);
      });
      svgEl('rect', {x: l, y: t, width: r - l, height: b - t, 'class': 'frame'}, svg);
    });
  }

  // Compare: the runs' timelines overlaid, each shifted so its first fault is at t = 0.
  function compare(data, root) {
    var runs = data.runs;
    var width = Math.max(700, Math.min(root.clientWidth || 1200, 1600));
    var x0 = Infinity, x1 = -Infinity;
    runs.forEach(function (r) {
      var t = r.series.t_s;
      x0 = Math.min(x0, -r.align_s);
      x1 = Math.max(x1, (t.length ? t[t.length - 1] : r.duration_s) - r.align_s, r.duration_s - r.align_s);
    });
    if (!(x1 > x0)) { x0 = 0; x1 = 1; }
    var keys = runs.map(function (r, i) {
      return {name: r.label + (r.align_event ? ' (t = 0: ' + r.align_event + ' at ' + fmtT(r.align_s) + ' s)' : ' (no fault: t = 0 is the start)'),
              color: RUNS[i % RUNS.length]};
    });
    var xl = 'time since the first fault (s)';
    var back = function (svg, sx, top, bottom) {
      var x = sx(0).toFixed(1);
      svgEl('line', {x1: x, x2: x, y1: top, y2: bottom, 'class': 'fault-line'}, svg);
      runs.forEach(function (r, i) {
        r.stalls.forEach(function (s) {
          svgEl('rect', {x: sx(s.start_s - r.align_s), y: bottom - 6 - 5 * i,
                         width: Math.max(2, sx(s.end_s) - sx(s.start_s)), height: 4,
                         fill: RUNS[i % RUNS.length]}, svg);
        });
      });
    };
    function overlay(opt, column) {
      var all = runs.map(function (r) { return r.series[column]; });
      opt.x0 = x0; opt.x1 = x1; opt.keys = keys; opt.background = back;
      if (opt.y === 'log') {
        opt.ymin = Math.min(seriesMinPositive(all), 1e3);
        opt.ymax = Math.max(seriesMax(all), 1e4);
      } else {
        opt.ymax = seriesMax(all);
      }
      var pn = panel(root, width, opt);
      runs.forEach(function (r, i) { drawLine(pn, r.series.t_s, r.series[column], RUNS[i % RUNS.length], r.align_s); });
      return pn;
    }
    overlay({title: 'Throughput: I/Os per second, all ops', ylabel: 'IOPS'}, 'iops');
    overlay({title: 'p99 latency per interval (log scale); bars at the bottom are stalls', ylabel: 'p99', y: 'log',
             height: 220, yfmt: fmtLatencyTick}, 'p99_ns');
    overlay({title: 'Age of the oldest in-flight I/O', ylabel: 'age (s)', height: 160, xlabel: xl,
             yfmt: function (v) { return fmtT(v); }}, 'oldest_inflight_age_s');
  }

  function main() {
    var t0 = performance.now();
    var data = JSON.parse(document.getElementById('healbench-data').textContent);
    var charts = document.getElementById('charts');
    if (data.runs) {
      compare(data, charts);
    } else {
      report(data, charts);
      distributions(data, document.getElementById('dists'));
    }
    var ms = performance.now() - t0;
    var ok = document.createElement('div');
    ok.id = 'render-ok';
    ok.setAttribute('data-render-ms', ms.toFixed(0));
    // Since navigation start: loading and parsing the page and its data, then drawing.
    ok.setAttribute('data-page-ms', performance.now().toFixed(0));
    ok.className = 'note';
    ok.textContent = 'Charts drawn in ' + ms.toFixed(0) + ' ms.';
    document.getElementById('charts').appendChild(ok);
  }
  main();
})();
)js";
// clang-format on

}  // namespace healbench::report
