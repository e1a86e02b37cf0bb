// Keeps a console table current over the console's WebSocket (/console/live/...): the element
// with data-live names the socket. Sessions: the server sends the whole table body when it
// changed ({"rows": html}). Events: each new event as a timeline entry ({"id": entryId, "row": html}),
// put on top. {"missed": n} says n rows were dropped because the page fell behind. A close with 1008
// means the console session ended: go to the login page. Other closes: reconnect with a pause.
(function () {
    'use strict';
    var target = document.querySelector('[data-live]');
    if (!target) {
        return;
    }
    var status = document.getElementById('live-status');
    var missedNote = document.getElementById('live-missed');
    var limit = parseInt(target.getAttribute('data-limit'), 10) || 100;
    var path = target.getAttribute('data-live');
    var pause = 500;
    var missed = 0;

    function say(text) {
        if (status) {
            status.textContent = text;
        }
    }

    // The last element of the table that had the focus: when a replacement dropped it (its row was
    // missing from one update, say), the next update that has it again gives the focus back.
    var lastFocused = null;
    document.addEventListener('focusin', function (event) {
        lastFocused = target.contains(event.target) ? event.target.id || null : null;
    });

    // Keeps the keyboard focus on the element with the same id across a replacement.
    function keepingFocus(change) {
        var active = document.activeElement;
        var focused = active && target.contains(active) ? active.id : (!active || active === document.body ? lastFocused : null);
        change();
        if (focused && document.getElementById(focused)) {
            document.getElementById(focused).focus();
        }
    }

    function prepend(id, html) {
        if (document.getElementById('event-' + id)) {
            return;
        }
        var template = document.createElement('template');
        template.innerHTML = html.trim();
        var row = template.content.firstElementChild;
        target.querySelectorAll(':scope > :not(.event)').forEach(function (placeholder) { placeholder.remove(); });
        target.insertBefore(row, target.firstElementChild);
        while (target.children.length > limit) {
            target.lastElementChild.remove();
        }
        // A reconnect goes on after the newest row this page has.
        path = path.replace(/after=[^&]*/, 'after=' + encodeURIComponent(id));
    }

    function receive(event) {
        var message = JSON.parse(event.data);
        if (message.rows !== undefined) {
            keepingFocus(function () { target.innerHTML = message.rows; });
        } else if (message.row !== undefined) {
            keepingFocus(function () { prepend(message.id, message.row); });
        } else if (message.missed !== undefined) {
            missed += message.missed;
            missedNote.textContent = missed + ' events were not shown because this page fell behind; reload to see them all.';
            missedNote.hidden = false;
        }
        document.dispatchEvent(new CustomEvent('porthole:live'));
    }

    function connect() {
        var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path);
        socket.onopen = function () {
            pause = 500;
            say('Live: updates appear as they happen.');
        };
        socket.onmessage = receive;
        socket.onclose = function (event) {
            if (event.code === 1008) {
                location.assign('/console/login?expired=true');
                return;
            }
            say('Not connected to auth-service; trying again (reload the page if this persists).');
            setTimeout(connect, pause);
            pause = Math.min(pause * 2, 10000);
        };
    }

    connect();
})();
