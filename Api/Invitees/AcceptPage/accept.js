// The invitee's accept page. No framework, nothing fetched but this server's own API.
// The accept token comes from the email's link (?token=...). It is moved out of the address bar at once (kept in this
// tab's history entry, so a reload still works) and sent only as 'Authorization: Invitation <token>'. The history
// entry also remembers that an accept was sent, so that an answer lost on the way (a dropped connection, a reload)
// still ends in "You joined" rather than "already used".
(function () {
  'use strict';

  var VERSION = '2026-11-25';
  var MEDIA_TYPE = 'application/vnd.api+json';
  var page = document.getElementById('page');
  var heading = document.getElementById('heading');
  var status = document.getElementById('status');
  var acceptButton = document.getElementById('accept');
  var retryButton = document.getElementById('retry');
  var TOKEN = /^jai_invite_[A-Za-z0-9_-]+$/;
  var invitation = null;
  var retry = null;
  var busy = false;

  function remembered() {
    var state = window.history.state;
    return state && typeof state.token === 'string' ? state : {};
  }

  function remember(changes) {
    var state = remembered();
    for (var key in changes) {
      if (Object.prototype.hasOwnProperty.call(changes, key)) {
        state[key] = changes[key];
      }
    }

    window.history.replaceState(state, '', window.location.pathname + window.location.search + window.location.hash);
  }

  function takeToken() {
    var params = new URLSearchParams(window.location.search);
    var token = params.get('token');
    if (token !== null) {
      params.delete('token');
      var rest = params.toString();
      window.history.replaceState({ token: token }, '', window.location.pathname + (rest ? '?' + rest : '') + window.location.hash);
    } else {
      token = remembered().token || null;
    }

    // A link damaged on its way (cut, wrapped, with invisible characters) is not a token: say so.
    return token !== null && TOKEN.test(token) ? token : null;
  }

  var token = takeToken();

  function fill(className, text) {
    var elements = document.getElementsByClassName(className);
    for (var i = 0; i < elements.length; i++) {
      elements[i].textContent = text;
    }
  }

  // Shows one state: its sections, its heading (focused, so screen readers and keyboards start there), its message.
  function show(state, title, message) {
    page.setAttribute('data-state', state);
    page.setAttribute('aria-busy', state === 'loading' || state === 'accepting' ? 'true' : 'false');
    var sections = page.querySelectorAll('section[data-for]');
    for (var i = 0; i < sections.length; i++) {
      sections[i].hidden = sections[i].getAttribute('data-for').split(' ').indexOf(state) < 0;
    }

    heading.textContent = title;
    document.title = title;
    status.textContent = message || '';
    if (state !== 'accepting') {
      // Focus moves to the heading on every change, even when it has focus already, so that it is read out.
      if (document.activeElement === heading) {
        heading.blur();
      }

      heading.focus();
    }
  }

  function problem(title, text, help, again) {
    document.getElementById('problem-text').textContent = text;
    document.getElementById('problem-help').textContent = help || '';
    retry = again || null;
    retryButton.hidden = !again;
    show('problem', title, text);
  }

  function request(method, path, body) {
    var headers = { Accept: MEDIA_TYPE, Authorization: 'Invitation ' + token };
    if (body) {
      headers['Content-Type'] = MEDIA_TYPE;
    }

    return fetch('/' + path + (path.indexOf('?') < 0 ? '?' : '&') + 'version=' + VERSION, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    }).then(function (response) {
      return response.text().then(function (text) {
        var document = null;
        try {
          document = text ? JSON.parse(text) : null;
        } catch (e) {
          document = null;
        }

        return { status: response.status, document: document, retryAfter: response.headers.get('Retry-After') };
      });
    });
  }

  function errorCode(result) {
    var errors = result.document && result.document.errors;
    return errors && errors.length ? errors[0].code : null;
  }

  function findIncluded(document, type) {
    var included = (document && document.included) || [];
    for (var i = 0; i < included.length; i++) {
      if (included[i].type === type) {
        return included[i];
      }
    }

    return null;
  }

  function formatDate(text) {
    var date = new Date(text);
    if (isNaN(date.getTime())) {
      return text;
    }

    try {
      return date.toLocaleString(undefined, { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
    } catch (e) {
      return date.toString();
    }
  }

  // Explains a refusal in plain words; true when it was one of the known ones.
  function explain(result, again) {
    var code = errorCode(result);
    var organization = invitation ? invitation.organization : 'the organization';
    if (result.status === 401) {
      problem(
        'This link does not work',
        'This invitation link is not valid. It may be incomplete, or a newer invitation email replaced it.',
        'If you received more than one invitation email, use the link in the newest one. Otherwise, ask the person who invited you to send a new invitation.');
    } else if (code === 'invitation_expired') {
      problem(
        'This invitation has expired',
        'The invitation was valid for a limited time, and that time has passed.',
        'Ask the person who invited you to send a new invitation.');
    } else if (code === 'invitation_cancelled') {
      problem(
        'This invitation was cancelled',
        'The organization withdrew this invitation, so it can no longer be accepted.',
        'If you think this is a mistake, contact the person who invited you.');
    } else if (code === 'invitation_accepted') {
      problem(
        'This invitation was already used',
        'This invitation has already been accepted, so the link cannot be used again.',
        'If you accepted it, you are already a member and there is nothing more to do.');
    } else if (code === 'already_member') {
      problem(
        'You are already a member',
        'This email address is already a member of ' + organization + '.',
        'There is nothing more to do.');
    } else if (result.status === 429) {
      problem(
        'Too many attempts',
        'The server received too many requests from here.',
        'Wait ' + (result.retryAfter || 'a few') + ' seconds, then try again.',
        again);
    } else {
      problem(
        'Something went wrong',
        'The invitation could not be ' + (again === accept ? 'accepted' : 'loaded') + ' right now.',
        'Check your connection, then try again.',
        again);
    }
  }

  function load() {
    show('loading', 'Your invitation', 'Checking your invitation…');
    if (!token) {
      explain({ status: 401, document: null });
      return;
    }

    request('GET', 'invitation?include=role,organization').then(function (result) {
      var sent = remembered();
      if (sent.acceptSent && errorCode(result) === 'invitation_accepted') {
        joined(sent.organization, sent.role);
        return;
      }

      if (result.status !== 200 || !result.document || !result.document.data) {
        explain(result, load);
        return;
      }

      var data = result.document.data;
      var organization = findIncluded(result.document, 'organization');
      var role = findIncluded(result.document, 'role');
      invitation = {
        email: data.attributes.email,
        organization: organization ? organization.attributes.name : 'the organization',
        role: role ? role.attributes.name : 'a member'
      };
      fill('organization', invitation.organization);
      fill('role', invitation.role);
      fill('email', invitation.email);
      document.getElementById('email').textContent = invitation.email;
      var expires = document.getElementById('expires');
      expires.setAttribute('datetime', data.attributes.expires_at);
      expires.textContent = formatDate(data.attributes.expires_at);
      setBusy(false);
      show('invitation', 'Join ' + invitation.organization, invitation.organization + ' invites you to join as ' + invitation.role + '.');
    })['catch'](function () {
      explain({ status: 0, document: null }, load);
    });
  }

  function joined(organization, role) {
    fill('organization', organization);
    fill('role', role);
    show('accepted', 'You joined ' + organization, 'You are now a member of ' + organization + ' as ' + role + '.');
  }

  // While an accept is on its way the button keeps its focus but does nothing (aria-disabled, not disabled).
  function setBusy(value) {
    busy = value;
    acceptButton.setAttribute('aria-disabled', value ? 'true' : 'false');
    acceptButton.textContent = value ? 'Accepting…' : 'Accept invitation';
  }

  function accept() {
    if (busy || !invitation) {
      return;
    }

    setBusy(true);
    // An earlier attempt whose answer never came (no connection, a server error) may have been accepted.
    var earlierUnanswered = remembered().acceptSent === true;
    remember({ acceptSent: true, organization: invitation.organization, role: invitation.role });
    show('accepting', 'Join ' + invitation.organization, 'Accepting the invitation…');
    request('POST', 'memberships', { data: { type: 'membership' } }).then(function (result) {
      setBusy(false);
      if (result.status === 201 || (earlierUnanswered && errorCode(result) === 'invitation_accepted')) {
        joined(invitation.organization, invitation.role);
        return;
      }

      if (result.status < 500) {
        remember({ acceptSent: false }); // answered: nothing was accepted by this attempt
      }

      explain(result, accept);
    })['catch'](function () {
      setBusy(false);
      explain({ status: 0, document: null }, accept);
    });
  }

  acceptButton.addEventListener('click', accept);
  retryButton.addEventListener('click', function () {
    if (retry === accept) {
      show('invitation', 'Join ' + invitation.organization);
      accept();
    } else if (retry) {
      retry();
    }
  });
  load();
}());
