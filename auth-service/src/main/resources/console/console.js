// Small enhancements of every console page; each page works without them.
// - Times: a <time datetime> shows the browser's local time (UTC, as rendered, without JavaScript).
// - Copy: a button.copy copies its data-copy value (a full id shown shortened); the buttons are
//   hidden until this script marks the page with the class "js".
(function () {
    'use strict';
    document.documentElement.classList.add('js');

    function localTimes() {
        document.querySelectorAll('time[datetime]:not([data-local])').forEach(function (time) {
            var at = new Date(time.getAttribute('datetime'));
            if (!isNaN(at.getTime())) {
                time.title = time.getAttribute('datetime');
                time.textContent = at.toLocaleString();
                time.setAttribute('data-local', '');
            }
        });
    }

    function copy(text) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(text);
        }
        // Plain http to another host is no secure context: fall back to a selected text area.
        return new Promise(function (resolve, reject) {
            var area = document.createElement('textarea');
            area.value = text;
            area.setAttribute('readonly', '');
            area.style.position = 'fixed';
            area.style.opacity = '0';
            document.body.appendChild(area);
            area.select();
            var done = false;
            try {
                done = document.execCommand('copy');
            } catch (ignored) {
                done = false;
            }
            area.remove();
            if (done) {
                resolve();
            } else {
                reject(new Error('copy refused'));
            }
        });
    }

    function say(button, text) {
        var label = button.getAttribute('data-label') || button.textContent;
        button.setAttribute('data-label', label);
        button.textContent = text;
        setTimeout(function () { button.textContent = label; }, 1500);
    }

    // Delegated: the live pages replace their rows, buttons and all.
    document.addEventListener('click', function (event) {
        var button = event.target.closest('button.copy');
        if (!button) {
            return;
        }
        copy(button.getAttribute('data-copy')).then(function () { say(button, 'Copied'); },
            function () { say(button, 'Select it to copy'); });
    });
    document.addEventListener('porthole:live', localTimes);
    localTimes();
})();
