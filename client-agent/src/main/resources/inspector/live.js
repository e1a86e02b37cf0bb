// The request list, kept current over the inspector's WebSocket (/live): the agent sends the whole
// list for the filter when the socket opens, then each row as its request starts and ends. After a
// disconnect (the agent restarted) it reconnects with a growing pause, and the fresh list replaces
// the old one. Changing the filter reconnects with the new filter.
(function () {
    'use strict';
    var rows = document.getElementById('rows');
    var form = document.querySelector('form.filters');
    var status = document.getElementById('live-status');
    var missedNote = document.getElementById('live-missed');
    var maxRows = parseInt(rows.getAttribute('data-max-rows'), 10) || 200;
    var socket = null;
    var pause = 250;
    var missed = 0;
    var retry = null;

    function url() {
        var query = new URLSearchParams(new FormData(form)).toString();
        return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live?' + query;
    }

    // Keeps the keyboard focus on the element with the same id across a replacement.
    function keepingFocus(change) {
        var focused = document.activeElement && rows.contains(document.activeElement) ? document.activeElement.id : null;
        change();
        if (focused && document.getElementById(focused)) {
            document.getElementById(focused).focus();
        }
    }

    function showRow(id, html) {
        var template = document.createElement('template');
        template.innerHTML = html.trim();
        var row = template.content.firstElementChild;
        if (!row) {
            return;
        }
        var existing = document.getElementById('request-' + id);
        keepingFocus(function () {
            if (existing) {
                existing.replaceWith(row);
                return;
            }
            rows.querySelectorAll('tr:not([id])').forEach(function (placeholder) { placeholder.remove(); });
            rows.insertBefore(row, rows.firstElementChild);
            while (rows.children.length > maxRows) {
                rows.lastElementChild.remove();
            }
        });
    }

    function receive(event) {
        var message = JSON.parse(event.data);
        if (message.rows !== undefined) {
            keepingFocus(function () { rows.innerHTML = message.rows; });
        } else if (message.row !== undefined) {
            showRow(message.id, message.row);
        } else if (message.missed !== undefined) {
            missed += message.missed;
            missedNote.textContent = missed + ' request updates were missed because this page fell behind; reload to see them all.';
            missedNote.hidden = false;
        }
        document.dispatchEvent(new CustomEvent('porthole:live'));
    }

    function connect() {
        retry = null;
        var opened = new WebSocket(url());
        socket = opened;
        opened.onopen = function () {
            pause = 250;
            status.textContent = 'Live: requests appear as they happen.';
        };
        opened.onmessage = receive;
        opened.onclose = function () {
            if (socket !== opened) {
                return;
            }
            status.textContent = 'Not connected to the agent (stopped or restarting); trying again…';
            retry = setTimeout(connect, pause);
            pause = Math.min(pause * 2, 4000);
        };
    }

    function refilter() {
        if (retry) {
            clearTimeout(retry);
        }
        var old = socket;
        socket = null;
        if (old) {
            old.close();
        }
        connect();
    }

    var typing = null;
    form.addEventListener('change', refilter);
    form.addEventListener('input', function (event) {
        if (event.target.id !== 'path') {
            return;
        }
        clearTimeout(typing);
        typing = setTimeout(refilter, 300);
    });
    form.addEventListener('submit', function (event) {
        event.preventDefault();
        history.replaceState(null, '', '/?' + new URLSearchParams(new FormData(form)).toString());
        refilter();
    });
    connect();
})();
