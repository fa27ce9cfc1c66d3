// show.test.mjs — `khabar show --json` gives the article JSON of the API, with its
// translations: every other article of the translation group whatever its status (the
// newsroom's view), where the public API lists only the live ones.
//
// Articles of our own writing, imported with `khabar import jsonl`.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, runOk, showJson, startServer, tempWorkspace } from './helpers.mjs';

const jsonl = (v) => v.map((x) => JSON.stringify(x)).join('\n') + '\n';

describe('show --json', () => {
  let ws;
  before(() => {
    ws = tempWorkspace();
    runOk(['init'], { db: ws.db });
    const ar = {
      external_id: 'show-ar', headline: 'افتتاح مكتبة عامة جديدة في وسط المدينة', slug: 'library-ar', section: 'ثقافة',
      body_html: '<p>نص الخبر عن المكتبة.</p>', status: 'published', published: '2025-02-01T09:00:00+03:00',
    };
    const lone = { ...ar, external_id: 'show-lone', headline: 'خبر لا ترجمة له', slug: 'lone' };
    runOk(['import', 'jsonl', ws.file('ar.jsonl', jsonl([ar, lone]))], { db: ws.db });
    const arId = showJson(ws.db, 'library-ar').id;
    const en = {
      external_id: 'show-en', headline: 'A new public library opens downtown', language: 'en', slug: 'library-en',
      section: 'ثقافة', body_html: '<p>Our own English text.</p>', status: 'published',
      published: '2025-02-01T10:00:00+03:00', translations: [arId],
    };
    const fr = {
      external_id: 'show-fr', headline: 'Une nouvelle bibliothèque ouvre', language: 'fr', slug: 'library-fr',
      section: 'ثقافة', body_html: '<p>Notre texte.</p>', status: 'draft', translations: [arId],
    };
    runOk(['import', 'jsonl', ws.file('tr.jsonl', jsonl([en, fr]))], { db: ws.db });
  });
  after(() => ws?.cleanup());

  test('lists every translation with id, language and URL, drafts included', () => {
    const a = showJson(ws.db, 'library-ar');
    assert.equal(a.headline, 'افتتاح مكتبة عامة جديدة في وسط المدينة');
    const en = showJson(ws.db, 'library-en');
    const fr = showJson(ws.db, 'library-fr');
    assert.deepEqual(a.translations, [
      { id: en.id, language: 'en', url: en.url },
      { id: fr.id, language: 'fr', url: fr.url },
    ]);
    // from the draft's side: the two others
    assert.deepEqual(fr.translations.map((t) => [t.id, t.language]), [[a.id, 'ar'], [en.id, 'en']]);
    // an article outside any group has no "translations", as in the API
    assert.equal('translations' in showJson(ws.db, 'lone'), false);
  });

  test('the API lists only the live translations', async () => {
    const srv = await startServer(ws.db);
    try {
      const r = await getJson(srv.url(`/api/v1/articles/${showJson(ws.db, 'library-ar').id}`));
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.translations.map((t) => t.language), ['en']);
    } finally {
      await srv.stop();
    }
  });
});
