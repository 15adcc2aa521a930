// A test-only OpenID Provider for sshca's end-to-end tests: the certified
// npm `oidc-provider` on 127.0.0.1 (http is fine on loopback), with
//   - a public client "sshca" (device flow and authorization code + PKCE,
//     loopback redirect URIs on any port, RFC 8252), a second public
//     client "other-app" (ID tokens for another audience), and a
//     confidential client "sshca-confidential" (client_secret_basic, secret
//     CONFIDENTIAL_SECRET; client_secret_post with OIDC_CLIENT_SECRET_POST);
//   - a fixed account table (ACCOUNTS) and a plain HTML login form that
//     checks it, so scripts log in with curl the way a browser would;
//   - email, email_verified, preferred_username and groups in the ID token
//     (conformIdTokenClaims: false).
// NEVER for production: fixed passwords, consent implied, keys in a file.
//
// usage: node provider.js PORT KEYS_OUT
//   KEYS_OUT receives the provider's private signing JWKS (0600) so that
//   mint.js can craft tokens "from the provider" with chosen claims.
// The device flow's confirmation page has Continue and Abort (the user
// denies: the device's next poll is answered access_denied, RFC 8628 §3.5).
// Environment, for the login break tests (all optional):
//   OIDC_DEVICE_CODE_TTL=S   device codes expire after S seconds (default 600)
//   OIDC_DEVICE_INTERVAL=S   device authorization answers carry "interval": S
//                            (default: none, so clients poll every 5 s)
//   OIDC_DEVICE_SLOW_DOWN=N  the first N polls of each device code are
//                            answered slow_down, and so is every later poll
//                            that comes sooner than the interval plus 5 s per
//                            slow_down (RFC 8628 §3.5). oidc-provider 8.8.1
//                            exports errors.SlowDown but never sends it, so
//                            this middleware does, with the provider's own
//                            error class. Each poll is logged to stdout as
//                            "device-poll gap=<seconds> answer=<...>".
//   OIDC_CLIENT_SECRET_POST=1 discovery lists only none and
//                            client_secret_post (clientAuthMethods), the
//                            confidential client is registered with
//                            client_secret_post, and a secret in an
//                            Authorization: Basic header is refused
//                            (invalid_client): oidc-provider 8.8.1 takes it
//                            there whatever it advertises, so a login
//                            succeeds only if the client posted it.
// Prints "listening <issuer>" on stdout once it accepts connections.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Provider, { errors } from 'oidc-provider';

const [port, keysOut] = process.argv.slice(2);
if (!port || !keysOut) {
  console.error('usage: node provider.js PORT KEYS_OUT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// username -> claims; the password of each is "<username>-password".
export const ACCOUNTS = {
  alice: { email: 'alice@example.com', email_verified: true, groups: ['admins', 'ssh-users'] },
  bob: { email: 'bob@example.com', email_verified: true, groups: ['ssh-users'] },
  carol: { email: 'carol@other.org', email_verified: true, groups: ['ssh-users'] },
  dave: { email: 'dave@example.com', email_verified: false, groups: ['ssh-users'] },
  erin: { email: 'erin.o-brien+ops@example.com', email_verified: true, groups: [] },
};

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return { keys: [{ ...rsa, kid: 'rs-1', alg: 'RS256', use: 'sig' }, { ...ec, kid: 'es-1', alg: 'ES256', use: 'sig' }] };
}

const jwks = signingKeys();
writeFileSync(keysOut, JSON.stringify(jwks), { mode: 0o600 });

const nativeClient = (clientId, alg) => ({
  client_id: clientId,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1/callback'],
  id_token_signed_response_alg: alg,
});

// A confidential client; its secret is no secret (tests only).
export const CONFIDENTIAL_SECRET = 'sshca-test-only-client-secret';
const secretPostOnly = process.env.OIDC_CLIENT_SECRET_POST === '1';
const confidentialClient = {
  ...nativeClient('sshca-confidential', 'RS256'),
  token_endpoint_auth_method: secretPostOnly ? 'client_secret_post' : 'client_secret_basic',
  client_secret: CONFIDENTIAL_SECRET,
};

const envSeconds = (name) => (process.env[name] ? Number(process.env[name]) : undefined);
const deviceCodeTtl = envSeconds('OIDC_DEVICE_CODE_TTL') ?? 600;
const deviceInterval = envSeconds('OIDC_DEVICE_INTERVAL');
const slowDownFirst = envSeconds('OIDC_DEVICE_SLOW_DOWN') ?? 0;

// Text from the provider or a request, made safe to put into a page.
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1>${body}</body></html>`;

const configuration = {
  clients: [nativeClient('sshca', 'RS256'), nativeClient('sshca-es', 'ES256'), nativeClient('other-app', 'RS256'),
    confidentialClient],
  ...(secretPostOnly ? { clientAuthMethods: ['none', 'client_secret_post'] } : {}),
  ttl: { DeviceCode: () => deviceCodeTtl },
  jwks,
  cookies: { keys: ['sshca-test-only-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false,
  pkce: { methods: ['S256'], required: () => true },
  features: {
    devInteractions: { enabled: false },
    deviceFlow: {
      enabled: true,
      // err: why the form is shown again (e.g. "the interaction was aborted").
      userCodeInputSource: async (ctx, form, out, err) => {
        ctx.body = page('Enter code', `${err ? `<p>${escapeHtml(err.message)}</p>` : ''}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
      },
      // Abort as on the provider's default page: the browser posts the form
      // (confirm=yes included) plus abort=yes, and abort wins.
      userCodeConfirmSource: async (ctx, form, client, info, userCode) => {
        ctx.body = page('Confirm device', `<p>Code <code>${userCode}</code></p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`);
      },
      successSource: async (ctx) => { ctx.body = page('Sign-in Success', '<p>You can close this page.</p>'); },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (ctx, sub) => {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      claims: async () => ({ sub, preferred_username: sub, name: sub, ...account }),
    };
  },
  renderError: async (ctx, out) => { ctx.type = 'html'; ctx.body = page('Error', `<pre>${escapeHtml(JSON.stringify(out))}</pre>`); },
};

const provider = new Provider(issuer, configuration);

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const loginForm = (uid, message) => page('Sign in', `<p>${message}</p>
<form id="login" method="post" action="/interaction/${uid}/login">
<input type="text" name="username"><input type="password" name="password">
<button type="submit">Sign in</button></form>`);

const consentForm = (uid, client) => page('Allow access', `<p>Allow ${client} to know who you are?</p>
<form id="consent" method="post" action="/interaction/${uid}/confirm">
<input type="hidden" name="confirm" value="yes"><button type="submit">Allow</button></form>`);

// Grants what the client asked for (the provider always asks native
// clients for consent).
async function consent(ctx, details) {
  const { accountId } = details.session;
  const { clientId } = { clientId: details.params.client_id };
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) grant.addResourceScope(indicator, scopes.join(' '));
  return { consent: { grantId: await grant.save() } };
}

async function finish(ctx, result) {
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(to);
}

// The device flow knobs above: "interval" in the device authorization
// answer, and slow_down on the token endpoint. The form body is read here
// and handed on as request.body, which the provider accepts from upstream
// parsers.
const polls = new Map(); // device_code -> { last, slowDowns }
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/token' && slowDownFirst > 0) {
    const form = await formBody(ctx.req);
    ctx.request.body = form.toString();
    const code = form.get('device_code');
    if (form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code' && code) {
      const now = Date.now() / 1000;
      const seen = polls.get(code) ?? { last: undefined, slowDowns: 0 };
      const gap = seen.last === undefined ? undefined : now - seen.last;
      const wanted = (deviceInterval ?? 5) + 5 * seen.slowDowns - 0.2;
      seen.last = now;
      polls.set(code, seen);
      if (seen.slowDowns < slowDownFirst || (gap !== undefined && gap < wanted)) {
        seen.slowDowns += 1;
        console.log(`device-poll gap=${gap?.toFixed(1) ?? '-'} answer=slow_down`);
        const err = new errors.SlowDown();
        ctx.status = err.status;
        ctx.body = { error: err.error, error_description: err.error_description };
        return undefined;
      }
      await next();
      console.log(`device-poll gap=${gap?.toFixed(1) ?? '-'} answer=${ctx.body?.error ?? 'tokens'}`);
      return undefined;
    }
  }
  await next();
  if (ctx.method === 'POST' && ctx.path === '/device/auth' && ctx.status === 200 && deviceInterval !== undefined) {
    ctx.body = { ...ctx.body, interval: deviceInterval };
  }
  return undefined;
});

// OIDC_CLIENT_SECRET_POST: no client secret in an Authorization header, on
// any endpoint (answered like the provider's own errors.InvalidClientAuth).
if (secretPostOnly) {
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && /^basic /i.test(ctx.get('authorization'))) {
      const err = new errors.InvalidClientAuth();
      console.log(`client-auth refused: client_secret_basic on ${ctx.path}`);
      ctx.status = err.status;
      ctx.body = { error: err.error, error_description: 'only client_secret_post is accepted' };
      return undefined;
    }
    return next();
  });
}

// The test-only interactions: GET shows the login (or consent) form; POST
// .../login checks the account table, POST .../confirm grants, POST
// .../abort refuses (the client gets error=access_denied).
provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([^/]+)(\/login|\/confirm|\/abort)?$/);
  if (!m) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = details.prompt.name === 'login'
      ? loginForm(details.uid, `Sign in to ${escapeHtml(details.params.client_id)}`)
      : consentForm(details.uid, details.params.client_id);
    return undefined;
  }
  if (ctx.method !== 'POST' || !m[2]) { ctx.status = 405; return undefined; }
  if (m[2] === '/abort') {
    await finish(ctx, { error: 'access_denied', error_description: 'the user refused the sign-in' });
    return undefined;
  }
  if (m[2] === '/confirm') {
    if (details.prompt.name !== 'consent') { ctx.status = 400; return undefined; }
    await finish(ctx, await consent(ctx, details));
    return undefined;
  }
  const form = await formBody(ctx.req);
  const user = form.get('username');
  if (!ACCOUNTS[user] || form.get('password') !== `${user}-password`) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = loginForm(details.uid, 'Wrong username or password');
    return undefined;
  }
  await finish(ctx, { login: { accountId: user } });
  return undefined;
});

const server = provider.listen(Number(port), '127.0.0.1', () => console.log(`listening ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
