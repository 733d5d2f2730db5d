// The page's routes (js/views/routes.js): every hash parses back to the route it was made from,
// whatever characters the names hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, toHash } from '../../main/resources/tessera-ui/js/views/routes.js';

const roundTrips = [
  { section: 'files', container: null, prefix: '' },
  { section: 'files', container: 'photos', prefix: '' },
  { section: 'files', container: 'photos', prefix: '2024/summer/' },
  { section: 'files', container: 'a b#c?d', prefix: '100%/<img src=x onerror=alert(1)>/' },
  { section: 'files', container: 'c', prefix: 'a//b/' },
  { section: 'shared', account: null, container: null, prefix: '' },
  { section: 'shared', account: 'AUTH_test2', container: null, prefix: '' },
  { section: 'shared', account: 'AUTH_test2', container: 'docs', prefix: 'x/y/' },
  { section: 'shared-by-me', container: null, prefix: '' },
  { section: 'shared-by-me', container: 'docs', prefix: 'team/' },
  { section: 'trash', container: 'trash', prefix: '' },
  { section: 'trash', container: 'trash', prefix: 'photos/2024/' },
  { section: 'groups' },
];

test('routes survive a round trip through the hash', () => {
  for (const r of roundTrips) assert.deepEqual(parse(toHash(r)), r, toHash(r));
});

test('hashes are readable and folder routes end with a slash', () => {
  assert.equal(toHash({ section: 'files', container: 'photos', prefix: '2024/' }), '#/c/photos/2024/');
  assert.equal(toHash({ section: 'files', container: null, prefix: '' }), '#/c');
  assert.equal(toHash({ section: 'trash', prefix: 'docs/' }), '#/trash/docs/');
});

test('unknown or empty hashes open the own containers', () => {
  for (const h of ['', '#', '#/', '#/nowhere/x']) assert.deepEqual(parse(h), { section: 'files', container: null, prefix: '' });
  assert.deepEqual(parse('#/c/photos'), { section: 'files', container: 'photos', prefix: '' });
  assert.deepEqual(parse('#/c/photos/a'), { section: 'files', container: 'photos', prefix: 'a/' });
});

test('a malformed escape is kept as typed rather than throwing', () => {
  assert.deepEqual(parse('#/c/%E0%A4%A'), { section: 'files', container: '%E0%A4%A', prefix: '' });
});

import { leaf, folderOf, copyName, stemLength, parseDestination } from '../../main/resources/tessera-ui/js/views/names.js';

test('name arithmetic of the views', () => {
  assert.equal(leaf('a/b/c.txt'), 'c.txt');
  assert.equal(leaf('c.txt'), 'c.txt');
  assert.equal(folderOf('a/b/c.txt'), 'a/b/');
  assert.equal(folderOf('c.txt'), '');
  assert.equal(copyName('a/b.tar.gz'), 'a/b.tar (copy).gz');
  assert.equal(copyName('a/.profile'), 'a/.profile (copy)');
  assert.equal(copyName('a/v1.0', true), 'a/v1.0 (copy)');
  assert.equal(stemLength('report.pdf'), 6);
  assert.equal(stemLength('v1.0', true), 4);
  assert.deepEqual(parseDestination(' /photos/2024 '), { container: 'photos', prefix: '2024/' });
  assert.deepEqual(parseDestination('photos'), { container: 'photos', prefix: '' });
  assert.deepEqual(parseDestination('photos/'), { container: 'photos', prefix: '' });
});
