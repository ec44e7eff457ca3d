// The sign-in screen: an account (username and password) or a moderator token, in one form.
import { Api, ApiError, sessionFromLogin } from './api';
import { apiAs, startApp } from './app';
import { fill, h } from './dom';
import { API_KEY, app, METHOD_KEY, SESSION_KEY, state, trimBase } from './state';
import type { Session } from './types';

type SignInMethod = 'account' | 'token';

/**
 * One form, two ways in: an account (username and password) or a moderator token (the one
 * `make run` prints, or any from MODERATOR_TOKENS). Only the chosen way's fields are enabled, so
 * only they are required, and Enter in any field submits.
 */
export function showLogin(notice?: string): void {
  document.title = 'Sign in · sinbin moderation';
  let method: SignInMethod = localStorage.getItem(METHOD_KEY) === 'token' ? 'token' : 'account';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'login-error' }, notice ?? '');
  const apiInput = h('input', { id: 'login-api', name: 'api', type: 'url', value: state.apiBase, required: true, autocomplete: 'url', spellcheck: 'false' });
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const token = h('input', { id: 'login-token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'login-token-hint' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  // A disabled fieldset takes its fields out of the form, `required` included.
  const accountFields = h(
    'fieldset',
    { class: 'login-fields', id: 'login-account' },
    h('legend', { class: 'sr-only' }, 'Account'),
    h('label', { for: 'login-user' }, 'Username'),
    user,
    h('label', { for: 'login-pass' }, 'Password'),
    pass,
  );
  const tokenFields = h(
    'fieldset',
    { class: 'login-fields', id: 'login-token-fields' },
    h('legend', { class: 'sr-only' }, 'Token'),
    h('label', { for: 'login-token' }, 'Moderator token'),
    token,
    h('p', { class: 'muted small', id: 'login-token-hint' }, 'The moderator token ', h('code', null, 'make run'), ' prints, or the part after the colon of a ', h('code', null, 'MODERATOR_TOKENS'), ' entry (name:token).'),
  );
  const choose = (m: SignInMethod) => {
    method = m;
    for (const [fields, shown] of [[accountFields, m === 'account'], [tokenFields, m === 'token']] as const) {
      fields.disabled = !shown;
      fields.hidden = !shown;
    }
  };
  const radio = (m: SignInMethod, label: string) => {
    const onchange = () => {
      choose(m);
      error.textContent = '';
    };
    return h('span', { class: 'choice' }, h('input', { type: 'radio', name: 'method', id: `login-method-${m}`, value: m, checked: method === m, onchange }), h('label', { for: `login-method-${m}` }, label));
  };

  const form = h(
    'form',
    {
      class: 'login-card',
      'aria-labelledby': 'login-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        submit.textContent = 'Signing in…';
        state.apiBase = trimBase(apiInput.value);
        try {
          let session: Session;
          if (method === 'token') {
            const api = new Api(state.apiBase, token.value.trim());
            const me = await api.me();
            session = { token: token.value.trim(), username: me.username, role: me.role, expiresAt: me.expiresAt };
          } else {
            session = sessionFromLogin(await new Api(state.apiBase, undefined).login(user.value.trim(), pass.value));
          }
          localStorage.setItem(API_KEY, state.apiBase);
          localStorage.setItem(METHOD_KEY, method);
          sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
          startApp(session, apiAs(session.token));
        } catch (err) {
          const e2 = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
          error.textContent =
            e2.status === 401 ? (method === 'token' ? 'That token is not valid.' : 'Wrong username or password.') : e2.status === 0 ? `Cannot reach the moderation API at ${state.apiBase}.` : e2.message;
          submit.disabled = false;
          submit.textContent = 'Sign in';
          (method === 'token' ? token : pass).focus();
        }
      },
    },
    h('h1', { id: 'login-title' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'sinbin moderation'),
    h('p', { class: 'muted' }, 'Review the chat messages the models could not decide.'),
    h('fieldset', { class: 'login-method' }, h('legend', null, 'Sign in with'), radio('account', 'Account'), radio('token', 'Token')),
    accountFields,
    tokenFields,
    error,
    submit,
    h('details', { class: 'login-more' }, h('summary', null, 'Server'), h('label', { for: 'login-api' }, 'Moderation API address'), apiInput),
  );
  choose(method);
  fill(app, h('main', { class: 'login-screen' }, form));
  (method === 'token' ? token : user).focus();
}
