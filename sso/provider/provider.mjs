// A real OpenID Connect provider (the npm package oidc-provider) for the single sign-on tests and
// the local demo. It is never part of the portal in production: a real organisation points the
// portal at Entra ID, Okta, Google Workspace or Keycloak instead.
//
//   node sso/provider/provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 9000, "clients": [{"client_id", "client_secret", "redirect_uris",
// "post_logout_redirect_uris"}], "accounts": {"<sub>": {"email": ..., "email_verified": true,
// "name": ..., "employee_id": ..., "department": ..., "manager": ...}}}
//
// Sign in on its built-in login page (devInteractions) with an account's sub as the login name
// and any password. It prints "ready <issuer>" on stdout once it listens, for whoever started it.
// "{PORTAL_BASE_URL}" in a client's URIs is replaced by that environment variable, so that the demo
// signs in wherever `make run-sso` serves the portal (HOST and PORT can be changed).
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const portalBaseUrl = process.env.PORTAL_BASE_URL ?? "http://127.0.0.1:8000";
const config = JSON.parse(readFileSync(process.argv[2], "utf8").replaceAll("{PORTAL_BASE_URL}", portalBaseUrl));
const port = Number(config.port);
const issuer = `http://127.0.0.1:${port}`;
const accounts = config.accounts ?? {};
// The organisation's own claims ride with the standard profile scope, so that a client asking for
// "openid profile email" (django-allauth's default) receives them without a custom scope.
const profileClaims = ["name", "employee_id", "department", "manager"];

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
    // The portal checks how recently the person signed in before it accepts a signature.
    require_auth_time: true,
    ...client,
  })),
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: profileClaims,
  },
  async findAccount(ctx, sub) {
    const claims = accounts[sub];
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  // The portal is a first-party client: the person is not asked to consent to it, as at a real
  // organisation's provider, where administrators grant the consent once for everybody.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["sub", "email", "email_verified", ...profileClaims]);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => false },
  cookies: { keys: [config.cookie_key ?? "conduct-portal-local-provider-only"] },
  ttl: { IdToken: Number(config.id_token_ttl ?? 3600) },
});
// Tests and the demo run over plain HTTP on 127.0.0.1.
provider.proxy = false;

const server = provider.listen(port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
