// What report.html carries besides its data: the words in both languages, the style and the
// script that draws the page. The script puts every text from a host in with textContent.
import type { Lang } from '../engine/grader.js';

export const UI: Record<Lang, Record<string, string>> = {
  en: {
    classTitle: 'docknet: class report',
    studentTitle: 'docknet: grading report',
    noscript: 'This report needs JavaScript to show its data.',
    generated: 'generated',
    summary: '{graded} of {students} students graded',
    meanMedian: 'mean {mean} / {max}, median {median} / {max}',
    distribution: 'Score distribution',
    studentsAxis: 'students',
    scoreAxis: 'share of the maximum score',
    exercises: 'Exercises',
    exercise: 'exercise',
    max: 'max',
    mean: 'mean',
    median: 'median',
    grid: 'Students and checks',
    gridHelp: 'Click a column heading to sort; click a name for the student’s page.',
    hiddenLegend: '◐ hidden check: students see only whether it passed',
    student: 'student',
    score: 'score',
    mostMissed: 'Checks most students missed',
    check: 'check',
    missed: 'missed',
    gotIt: 'got it',
    hintsGiven: 'hint given (students)',
    nobodyMissed: 'Every graded student passed every check.',
    notGraded: 'Students not fully graded',
    why: 'why',
    allGraded: 'Every student was graded.',
    back: '← class',
    host: 'host',
    engine: 'engine',
    startedAt: 'graded at',
    status: 'status',
    points: 'points',
    message: 'result',
    expected: 'expected',
    actual: 'found',
    hint: 'hint',
    hidden: 'hidden',
    noReport: 'No report: this student could not be graded.',
    problems: 'not put back on the host',
    couldNotCheck: '{check} could not be checked: {message}',
    notGradedYet: 'not graded yet',
    s_passed: 'passed',
    s_failed: 'failed',
    s_skipped: 'skipped',
    s_error: 'error',
    st_graded: 'graded',
    'st_graded-with-errors': 'graded, some checks undecided',
    st_error: 'could not be graded',
    'st_not-graded': 'not graded',
  },
  ko: {
    classTitle: 'docknet: 반 채점 보고서',
    studentTitle: 'docknet: 채점 보고서',
    noscript: '이 보고서의 내용을 보려면 JavaScript가 필요합니다.',
    generated: '작성',
    summary: '학생 {students}명 중 {graded}명 채점',
    meanMedian: '평균 {mean} / {max}, 중앙값 {median} / {max}',
    distribution: '점수 분포',
    studentsAxis: '학생 수',
    scoreAxis: '만점 대비 비율',
    exercises: '실습',
    exercise: '실습',
    max: '만점',
    mean: '평균',
    median: '중앙값',
    grid: '학생별 채점 항목',
    gridHelp: '열 제목을 누르면 정렬합니다. 이름을 누르면 학생 페이지로 갑니다.',
    hiddenLegend: '◐ 숨겨진 항목: 학생에게는 통과 여부만 보입니다',
    student: '학생',
    score: '점수',
    mostMissed: '가장 많이 놓친 항목',
    check: '항목',
    missed: '놓침',
    gotIt: '통과',
    hintsGiven: '받은 힌트 (학생 수)',
    nobodyMissed: '채점된 학생 모두 모든 항목을 통과했습니다.',
    notGraded: '채점을 다 하지 못한 학생',
    why: '이유',
    allGraded: '모든 학생이 채점되었습니다.',
    back: '← 반 전체',
    host: '호스트',
    engine: '엔진',
    startedAt: '채점 시각',
    status: '상태',
    points: '점수',
    message: '결과',
    expected: '기대한 값',
    actual: '실제 값',
    hint: '힌트',
    hidden: '숨김',
    noReport: '보고서 없음: 이 학생은 채점할 수 없었습니다.',
    problems: '호스트에 되돌리지 못한 것',
    couldNotCheck: '{check} 항목을 확인할 수 없음: {message}',
    notGradedYet: '아직 채점하지 않음',
    s_passed: '통과',
    s_failed: '실패',
    s_skipped: '건너뜀',
    s_error: '오류',
    st_graded: '채점됨',
    'st_graded-with-errors': '채점됨, 일부 항목 확인 불가',
    st_error: '채점할 수 없음',
    'st_not-graded': '채점 안 됨',
  },
};

export const PAGE_STYLE = String.raw`
:root { --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700; --err: #8250df; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "NanumGothic", "Malgun Gothic", sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 2px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.chart { position: relative; height: 240px; flex: 1 1 420px; min-width: 300px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.status { white-space: nowrap; }
#grid thead tr:first-child th { white-space: nowrap; overflow: hidden; max-width: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
#grid th.check { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; max-height: 180px; font-weight: 500; padding: 6px 2px; }
#grid th button { all: unset; cursor: pointer; }
#grid th button:focus-visible { outline: 2px solid #0969da; }
#grid th[aria-sort="ascending"] button::after { content: " ▲"; }
#grid th[aria-sort="descending"] button::after { content: " ▼"; }
#grid td.cell { text-align: center; width: 22px; padding: 2px; font-weight: 700; }
.s-passed { color: var(--pass); }
.s-failed { color: var(--fail); }
.s-skipped { color: var(--skip); }
.s-error { color: var(--err); }
#grid td.cell.s-passed { background: #dafbe1; }
#grid td.cell.s-failed { background: #ffebe9; }
#grid td.cell.s-skipped { background: #fff8c5; }
#grid td.cell.s-error { background: #fbefff; }
th.hidden-check, .hidden-mark { color: var(--err); }
.legend { color: var(--muted); font-size: 12px; }
.legend span { margin-right: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, "NanumGothicCoding", monospace; }
.checks td { max-width: 360px; }
.error-box { border-left: 4px solid var(--err); padding: 4px 10px; background: #fbefff; }
a { color: #0969da; }
@media print {
  @page { margin: 12mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav, .legend.screen { display: none; }
  #grid th button::after { content: none !important; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  tr, .chart { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

// Runs in the browser. Host texts only ever reach the page through textContent (el/append).
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var ui = data.ui;
  var app = document.getElementById('app');
  var baseTitle = document.title;
  var SYMBOL = { passed: '✓', failed: '✗', skipped: '–', error: '!' };
  var columns = [];
  data.exercises.forEach(function (e) { e.checks.forEach(function (c) { columns.push({ exercise: e, check: c }); }); });

  function say(key, values) {
    return ui[key].replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); });
  }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'class') node.className = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  function text(i) { return i >= 0 ? data.text[i] : ''; }
  function statusOf(cell) { return cell ? data.statuses[cell[0]] : null; }
  function score(s) { return s.score === undefined ? '' : s.score + ' / ' + data.maxScore; }
  function studentHash(s) { return '#student=' + encodeURIComponent(s.id); }
  function row(cells, tag) { return el.apply(null, ['tr', null].concat(cells.map(function (c) { return el(tag || 'td', null, c); }))); }

  function histogram(parent) {
    var box = el('div', { class: 'chart' }, el('canvas', { id: 'histogram', role: 'img', 'aria-label': ui.distribution }));
    parent.append(box);
    var labels = data.histogram.map(function (_, i) { return i === 10 ? '100%' : i * 10 + '–' + (i * 10 + 9) + '%'; });
    new Chart(box.firstChild, {
      type: 'bar',
      data: { labels: labels, datasets: [{ label: ui.studentsAxis, data: data.histogram, backgroundColor: '#54aeff' }] },
      options: {
        animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: ui.studentsAxis } }, x: { title: { display: true, text: ui.scoreAxis } } },
      },
    });
  }

  function exerciseChart(parent) {
    var box = el('div', { class: 'chart' }, el('canvas', { id: 'exercises-chart', role: 'img', 'aria-label': ui.exercises }));
    parent.append(box);
    function share(v, e) { return v === undefined || e.maxScore === 0 ? 0 : Math.round((v / e.maxScore) * 100); }
    new Chart(box.firstChild, {
      type: 'bar',
      data: {
        labels: data.exercises.map(function (e) { return e.id; }),
        datasets: [
          { label: ui.mean + ' %', data: data.exercises.map(function (e) { return share(e.mean, e); }), backgroundColor: '#54aeff' },
          { label: ui.median + ' %', data: data.exercises.map(function (e) { return share(e.median, e); }), backgroundColor: '#8250df' },
        ],
      },
      options: { animation: false, maintainAspectRatio: false, indexAxis: 'y', scales: { x: { min: 0, max: 100 } } },
    });
  }

  function exerciseTable() {
    return el('table', { id: 'exercises' },
      row([ui.exercise, ui.max, ui.mean, ui.median], 'th'),
      data.exercises.map(function (e) {
        var r = row([e.title + ' (' + e.id + ')', e.maxScore, e.mean === undefined ? '' : e.mean, e.median === undefined ? '' : e.median]);
        [1, 2, 3].forEach(function (i) { r.children[i].className = 'num'; });
        return r;
      }).reduce(function (body, r) { body.append(r); return body; }, el('tbody')));
  }

  var sort = { key: null, dir: 1 };
  var STATUS_ORDER = { failed: 0, error: 1, skipped: 2, passed: 3 };
  function sortKey(s, key) {
    if (key === 'name') return s.name.toLocaleLowerCase();
    if (key === 'score') return s.score === undefined ? Infinity : s.score;
    var st = statusOf(s.cells && s.cells[key]);
    return st === null ? 9 : STATUS_ORDER[st];
  }
  function sortedStudents() {
    var list = data.students.slice();
    if (sort.key === null) return list;
    return list.sort(function (a, b) {
      var x = sortKey(a, sort.key), y = sortKey(b, sort.key);
      if (x !== y) return (x < y ? -1 : 1) * sort.dir;
      return a.name.localeCompare(b.name);
    });
  }

  function grid() {
    function sortable(key, label, attrs) {
      var th = el('th', attrs, el('button', { type: 'button', 'data-sort': String(key) }, label));
      if (sort.key === key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      th.firstChild.addEventListener('click', function () {
        sort = sort.key === key ? { key: key, dir: -sort.dir } : { key: key, dir: 1 };
        document.getElementById('grid').replaceWith(grid());
      });
      return th;
    }
    var groups = el('tr', null, el('th', { colspan: '2' }));
    data.exercises.forEach(function (e) { if (e.checks.length) groups.append(el('th', { colspan: String(e.checks.length), title: e.title }, e.id)); });
    var head = el('tr', null, sortable('name', ui.student), sortable('score', ui.score, { class: 'num' }));
    columns.forEach(function (c, i) {
      // ids fit a narrow column; the title shows on hover and on the student's page
      var label = (c.check.hidden ? '◐ ' : '') + c.check.id;
      head.append(sortable(i, label, { class: 'check' + (c.check.hidden ? ' hidden-check' : ''), title: c.check.title }));
    });
    var body = el('tbody');
    sortedStudents().forEach(function (s) {
      var r = el('tr', { 'data-student': s.id },
        el('td', null, el('a', { href: studentHash(s) }, s.name)),
        el('td', { class: 'num score' }, score(s)));
      columns.forEach(function (c, i) {
        var st = statusOf(s.cells && s.cells[i]);
        r.append(el('td', { class: 'cell' + (st ? ' s-' + st : ''), title: st ? ui['s_' + st] : ui['st_' + s.status] }, st ? SYMBOL[st] : ''));
      });
      body.append(r);
    });
    return el('table', { id: 'grid' }, el('thead', null, groups, head), body);
  }

  function legend() {
    var box = el('p', { class: 'legend' });
    data.statuses.forEach(function (st) { box.append(el('span', { class: 's-' + st }, SYMBOL[st] + ' ' + ui['s_' + st])); });
    box.append(el('span', { class: 'hidden-mark' }, ui.hiddenLegend));
    return box;
  }

  function mostMissed() {
    if (data.missed.length === 0) return el('p', null, ui.nobodyMissed);
    var body = el('tbody');
    data.missed.forEach(function (m) {
      var c = columns[m.column];
      var hints = el('td', { class: 'hints' });
      m.hints.forEach(function (h) { hints.append(el('div', null, el('pre', null, h.text), el('span', { class: 'meta' }, '(' + h.students + ')'))); });
      body.append(el('tr', null,
        el('td', null, c.exercise.id), el('td', null, (c.check.hidden ? '◐ ' : '') + c.check.title),
        el('td', { class: 'num missed' }, m.missed), el('td', { class: 'num' }, m.passed), hints));
    });
    return el('table', { id: 'most-missed' }, el('thead', null, row([ui.exercise, ui.check, ui.missed, ui.gotIt, ui.hintsGiven], 'th')), body);
  }

  function whyNotGraded(s) {
    var why = [];
    if (s.status === 'not-graded') why.push(ui.notGradedYet);
    if (s.error) why.push(s.error);
    columns.forEach(function (c, i) {
      var cell = s.cells && s.cells[i];
      if (statusOf(cell) === 'error') why.push(say('couldNotCheck', { check: c.exercise.id + '/' + c.check.id, message: text(cell[2]) }));
    });
    (s.problems || []).forEach(function (p) { why.push(ui.problems + ': ' + p); });
    return why;
  }

  function notGraded() {
    var list = data.students.filter(function (s) { return s.status !== 'graded' || (s.problems && s.problems.length); });
    if (list.length === 0) return el('p', null, ui.allGraded);
    var body = el('tbody');
    list.forEach(function (s) {
      var why = el('td');
      whyNotGraded(s).forEach(function (w) { why.append(el('pre', null, w)); });
      body.append(el('tr', { 'data-student': s.id }, el('td', null, el('a', { href: studentHash(s) }, s.name)), el('td', null, s.where), el('td', null, ui['st_' + s.status]), why));
    });
    return el('table', { id: 'not-graded' }, el('thead', null, row([ui.student, ui.host, ui.status, ui.why], 'th')), body);
  }

  function classPage() {
    var graded = data.students.filter(function (s) { return s.score !== undefined; }).length;
    app.append(el('h1', null, ui.classTitle));
    app.append(el('p', { class: 'meta' }, data.tool + ' · ' + ui.generated + ' ' + new Date(data.generatedAt).toLocaleString(data.lang)));
    app.append(el('p', { id: 'summary' }, say('summary', { graded: graded, students: data.students.length }) +
      (data.mean === undefined ? '' : ' · ' + say('meanMedian', { mean: data.mean, median: data.median, max: data.maxScore }))));
    app.append(el('h2', null, ui.distribution));
    var cards = el('div', { class: 'cards' });
    app.append(cards);
    histogram(cards);
    exerciseChart(cards);
    app.append(el('h2', null, ui.exercises), exerciseTable());
    app.append(el('h2', null, ui.grid), el('p', { class: 'legend screen' }, ui.gridHelp), legend(), el('div', { class: 'scroll' }, grid()));
    app.append(el('h2', null, ui.mostMissed), mostMissed());
    app.append(el('h2', null, ui.notGraded), notGraded());
  }

  function studentPage(s) {
    if (data.kind === 'class') app.append(el('nav', null, el('a', { href: '#' }, ui.back)));
    app.append(el('h1', { id: 'student-name' }, data.kind === 'class' ? s.name + ' (' + s.id + ')' : ui.studentTitle));
    var meta = [ui.host + ': ' + s.where, ui.status + ': ' + ui['st_' + s.status]];
    if (s.score !== undefined) meta.push(ui.score + ': ' + score(s));
    if (s.engine) meta.push(ui.engine + ': ' + s.engine);
    if (s.startedAt) meta.push(ui.startedAt + ': ' + new Date(s.startedAt).toLocaleString(data.lang));
    meta.push(data.tool);
    meta.forEach(function (m) { app.append(el('p', { class: 'meta' }, m)); });
    if (!s.cells) {
      app.append(el('div', { class: 'error-box' }, el('p', null, ui.noReport), whyNotGraded(s).map(function (w) { return el('pre', null, w); }).reduce(function (d, p) { d.append(p); return d; }, el('div'))));
      return;
    }
    var at = 0;
    data.exercises.forEach(function (e, ei) {
      var start = at;
      at += e.checks.length;
      var got = s.scores[ei];
      app.append(el('h3', null, e.title + ' (' + e.id + ') — ' + (got === null ? ui['st_not-graded'] : got + ' / ' + e.maxScore)));
      var body = el('tbody');
      e.checks.forEach(function (c, ci) {
        var cell = s.cells[start + ci];
        if (!cell) return;
        var st = statusOf(cell);
        body.append(el('tr', { 'data-check': e.id + '/' + c.id, class: 's-' + st },
          el('td', { class: 'status' }, SYMBOL[st] + ' ' + ui['s_' + st]),
          el('td', null, c.title, c.hidden ? el('span', { class: 'hidden-mark' }, ' ◐ ' + ui.hidden) : null),
          el('td', { class: 'num' }, cell[1] + ' / ' + c.points),
          el('td', { class: 'message' }, el('pre', null, text(cell[2]))),
          el('td', { class: 'expected' }, el('pre', null, text(cell[3]))),
          el('td', { class: 'actual' }, el('pre', null, text(cell[4]))),
          el('td', { class: 'hint' }, el('pre', null, text(cell[5])))));
      });
      app.append(el('table', { class: 'checks' }, el('thead', null, row([ui.status, ui.check, ui.points, ui.message, ui.expected, ui.actual, ui.hint], 'th')), body));
    });
    if (s.problems) app.append(el('p', null, ui.problems + ': '), s.problems.map(function (p) { return el('pre', null, p); }).reduce(function (d, p) { d.append(p); return d; }, el('div')));
  }

  function render() {
    app.replaceChildren();
    var m = /^#student=(.*)$/.exec(location.hash);
    var chosen = m && data.students.filter(function (s) { return s.id === decodeURIComponent(m[1]); })[0];
    if (data.kind === 'student') studentPage(data.students[0]);
    else if (chosen) studentPage(chosen);
    else classPage();
    document.title = chosen ? baseTitle + ' — ' + chosen.name : baseTitle;
    window.scrollTo(0, 0);
  }
  window.addEventListener('hashchange', render);
  render();
})();
`;
