// One published result (#/results/:id): the decision, its signature, and how anyone verifies it
// offline with the office's public key (R7): GET /api/v1/decisions/{id}, /decisions/{id}/export
// (the signed, self-contained document) and /decisions/key (the office's public key).

import { h } from '../lib/dom.js';
import { t, tOr, fmtDate, fmtDateTime } from '../lib/i18n.js';
import { badge, button, defList, pageTitle, notice } from '../lib/ui.js';
import { href } from '../lib/router.js';
import { apiUrl } from '../lib/api.js';

// The algorithms of the two crypto suites (docs/OPERATIONS.md), for a key answer that is missing.
const SUITE_ALGORITHM = { intl: 'Ed25519', sm: 'SM2-SM3' };
const SM2_DISTID = '1234567812345678';

/** A block of shell commands with a copy button; the button tells its result in an aria-live span. */
function commandBlock(id, lines) {
  const textValue = lines.join('\n');
  const said = h('span', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const copy = button(t('result.copy'), async () => {
    try {
      await navigator.clipboard.writeText(textValue);
      said.textContent = t('result.copied');
    } catch {
      said.textContent = t('result.copy_failed');
    }
  }, { class: 'btn-small', 'aria-describedby': id });
  return h('div', { class: 'command' },
    h('pre', { id }, h('code', textValue)),
    h('div', { class: 'row' }, copy, said));
}

export default {
  path: '/results/:id',
  title: 'result.title',
  roles: ['public'],

  async render(main, params, ctx) {
    const { api } = ctx;
    const id = String(params.id || '');
    if (!/^[1-9][0-9]*$/.test(id)) {
      main.appendChild(pageTitle(t('result.title')));
      main.appendChild(notice(t('result.bad_id'), 'warn'));
      main.appendChild(h('p', h('a', { href: href('/register') }, t('result.back'))));
      return;
    }
    // The key is a convenience for the page: the decision alone is enough to show.
    const [d, key] = await Promise.all([
      api.get(`/decisions/${id}`),
      api.get('/decisions/key').catch(() => null),
    ]);

    document.title = `${d.product || t('result.title')} — ${t('app.name')}`;
    main.appendChild(h('p', { class: 'small' }, h('a', { href: href('/register') }, `← ${t('result.back')}`)));
    main.appendChild(pageTitle(d.product || t('result.title'), h('div', { class: 'row' },
      badge('outcome', d.outcome), badge('status', d.status),
      d.visibility && d.visibility !== 'public' ? badge('visibility', d.visibility) : null)));

    if (d.status === 'revoked') {
      main.appendChild(notice(t('result.revoked', { date: fmtDateTime(d.revoked_at), reason: d.revoke_reason || '—' }), 'error'));
    } else if (d.status === 'superseded') {
      main.appendChild(notice(t('result.superseded'), 'warn'));
    } else if (d.status === 'expired') {
      main.appendChild(notice(t('result.expired', { date: fmtDate(d.valid_until) }), 'warn'));
    }

    // ---- the decision
    main.appendChild(h('section', { class: 'card', 'aria-labelledby': 'result-decision-h' },
      h('h2', { id: 'result-decision-h' }, t('result.decision')),
      defList([
        [t('result.product'), d.product],
        [t('result.provider'), d.provider],
        [t('result.outcome'), badge('outcome', d.outcome)],
        [t('result.versions'), d.versions ? h('code', d.versions) : null],
        [t('result.valid_from'), fmtDate(d.valid_from)],
        [t('result.valid_until'), fmtDate(d.valid_until)],
        [t('result.decided_at'), fmtDateTime(d.decided_at)],
        [t('result.published_at'), d.published_at ? fmtDateTime(d.published_at) : null],
        [t('result.case'), d.case_ref],
        [t('result.status'), badge('status', d.status)],
      ], 'result-facts'),
      h('h3', t('result.rationale')),
      h('p', { class: 'result-rationale' }, d.rationale || '—'),
      h('h3', t('result.conditions')),
      d.conditions
        ? h('p', { class: 'result-conditions' }, d.conditions)
        : h('p', { class: 'muted result-conditions' }, t('result.no_conditions'))));

    // ---- the signature
    const suite = d.suite || (key && key.suite) || '';
    const sameKey = key && key.key_id === d.key_id;
    const algorithm = (sameKey && key.algorithm) || SUITE_ALGORITHM[suite] || '—';
    const exportName = `decision-${d.id}.json`;
    const keyName = 'office.pub';
    main.appendChild(h('section', { class: 'card', 'aria-labelledby': 'result-signature-h', id: 'result-signature' },
      h('h2', { id: 'result-signature-h' }, t('result.signature')),
      h('p', t('result.signature_intro')),
      defList([
        [t('result.suite'), suite ? `${tOr(`result.suite_name.${suite}`, suite)} (${suite})` : '—'],
        [t('result.algorithm'), algorithm],
        [t('result.key_id'), h('code', { class: 'hash', id: 'result-key-id' }, d.key_id || '—')],
      ]),
      key && !sameKey ? notice(t('result.key_changed', { key: key.key_id }), 'warn') : null,
      h('div', { class: 'actions' },
        h('a', { class: 'btn btn-primary', id: 'result-export', href: apiUrl(`/decisions/${d.id}/export`), download: exportName },
          t('result.download_export')),
        h('a', { class: 'btn btn-secondary', id: 'result-key', href: apiUrl('/decisions/key'), download: keyName },
          t('result.download_key')))));

    // ---- how to verify it offline
    const steps = h('ol', { class: 'verify-steps' },
      h('li', t('result.step_download', { file: exportName, key: keyName })),
      h('li', t('result.step_netreview'),
        commandBlock('result-cmd-netreview', [`netreview decision verify ${exportName} --key ${keyName}`]),
        h('p', { class: 'small muted' }, t('result.step_netreview_ok', { key: d.key_id || '' }))),
      h('li', t('result.step_openssl'),
        commandBlock('result-cmd-extract', [
          `jq -j .payload_canonical ${exportName} > payload.txt`,
          `jq -r .signature.value ${exportName} | base64 -d > signature.bin`,
        ]),
        suite === 'sm'
          ? [h('p', t('result.step_openssl_sm', { distid: SM2_DISTID })),
            commandBlock('result-cmd-openssl', [
              `openssl dgst -sm3 -verify ${keyName} -sigopt distid:${SM2_DISTID} -signature signature.bin payload.txt`,
            ])]
          : [h('p', t('result.step_openssl_intl')),
            commandBlock('result-cmd-openssl', [
              `openssl pkeyutl -verify -pubin -inkey ${keyName} -rawin -in payload.txt -sigfile signature.bin`,
            ]),
            h('p', { class: 'small muted' }, t('result.step_openssl_sm_note', { distid: SM2_DISTID }))],
        h('p', { class: 'small muted' }, t('result.step_openssl_payload'))));
    main.appendChild(h('section', { class: 'card', 'aria-labelledby': 'result-verify-h', id: 'result-verify' },
      h('h2', { id: 'result-verify-h' }, t('result.verify')),
      h('p', t('result.verify_intro')),
      steps));

    // ---- a concern about this product: the complaint form, filled in
    main.appendChild(h('p', { class: 'small' },
      h('a', { href: href('/complain', { product: d.product || '' }), id: 'result-complain' }, t('result.complain'))));
  },
};

