// Which deliveries an endpoint gets and in what order, observed at the suite's own receiver: events in the order
// they were created (WHD-005) and only the event types the endpoint subscribed to (WHD-016).
import { describe } from 'vitest';
import { deliveredInCreationOrder, onlySubscribedTypesDelivered } from '../../src/checks/webhooks.js';
import { assertConforms, assertPrecondition, exchangeOf, requireHook, test } from '../../src/harness/index.js';
import { targetWait } from '../../src/harness/target.js';
import { withWebhookEndpoint } from '../../src/harness/webhooks.js';
import { emitEvent, eventType } from './support/deliveries.js';

describe('order and subscriptions', () => {
  test('events created one after another are delivered in that order', { tags: ['WHD-005'] }, async ({
    target,
    skip,
  }) => {
    await requireHook(target, 'webhooks', skip);
    if (target.profile.webhooks.orderingScope === 'none') skip('not asserted: webhooks.orderingScope is "none"');
    await withWebhookEndpoint(target, { events: [eventType] }, async (session) => {
      // The receiver takes a moment over the first event, so the next ones queue up behind it: their order is then
      // the target's choice, not the order the API calls happened to finish in.
      session.receiver.script([{ status: 200, delayMs: 250 }]);
      await emitEvent(target, session);
      const names: string[] = [];
      for (let n = 0; n < 3; n += 1) {
        const display = `Order ${target.runTag} ${n}`;
        names.push(display);
        await exchangeOf(target, () => target.api.POST('/api/v1/organizations', { body: { display_name: display } }));
      }
      const arrived = (await session.receiver.waitForAttempts(4, targetWait(target))).slice(1);
      assertConforms(deliveredInCreationOrder('WHD-005', names, arrived));
    });
  });

  test('an endpoint receives only the event types it subscribed to', { tags: ['WHD-016'] }, async ({
    target,
    skip,
  }) => {
    await requireHook(target, 'webhooks', skip);
    await withWebhookEndpoint(target, { events: ['organization.updated'] }, async (session) => {
      const created = await exchangeOf(target, () =>
        target.api.POST('/api/v1/organizations', { body: { display_name: `Subscribed ${target.runTag}` } }),
      );
      assertPrecondition('creating an organization', created.exchange, [200, 201]);
      const id = (created.data as { organization?: { id?: string } } | undefined)?.organization?.id;
      await exchangeOf(target, () =>
        target.api.PATCH('/api/v1/organizations/{id}', {
          params: { path: { id: id as string } },
          body: { display_name: `Subscribed ${target.runTag} renamed` },
        }),
      );
      // The update is the one subscribed event: once it is in, anything unsubscribed sent before it is too.
      await session.receiver.waitForAttempts(1, targetWait(target)).catch(() => []);
      assertConforms(onlySubscribedTypesDelivered('WHD-016', ['organization.updated'], session.receiver.attempts()));
    });
  });
});
