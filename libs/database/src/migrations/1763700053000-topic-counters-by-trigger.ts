import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A topic's reply count, status and last activity follow its posts by one rule, kept in one place:
 * a statement-level trigger on `posts` that compares each changed row before and after
 * (transition tables) and updates every touched topic once.
 *
 * Until now the rule was written four times in the forum's posts repository (a person's change,
 * the screening path's batch and single verdict, erasure), each a hand-made UPDATE of `topics`
 * that had to agree with the others. Now those statements change posts only, and whatever
 * changes a post — including a statement not written yet — moves its topic the same way:
 *
 * - `was_published` says whether a post is in sight after every change (published, or an edit
 *   waiting for screening or review while its published words stay up). A reply coming into sight
 *   adds one to its topic's `reply_count`; a reply going out of sight takes one away (never below 0).
 * - An opening post sets its topic's `status`: `published` while it is in sight, otherwise the
 *   post's own status (screening, held, hidden, removed, deleted). Erasure is the exception: an
 *   erased author's opening post loses its words and author, but the topic stays for the replies
 *   under it (the forum's erasure keeps the thread, without the title).
 * - A post becoming published (an opening post, or a reply not in sight before) moves its topic's
 *   `last_activity_at` on to now, never back.
 *
 * The trigger fires after the whole statement, so a batch of 50 verdicts updates each topic once.
 */
export class TopicCountersByTrigger1763700053000 implements MigrationInterface {
  name = 'TopicCountersByTrigger1763700053000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION topics_follow_posts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE topics t
           SET status = coalesce(c.opening_status, t.status),
               reply_count = greatest(t.reply_count + c.replies, 0),
               last_activity_at = CASE WHEN c.came_into_sight THEN greatest(t.last_activity_at, now()) ELSE t.last_activity_at END
          FROM (
            SELECT n.topic_id,
                   max(CASE WHEN n.is_opening AND NOT (o.author_id IS NOT NULL AND n.author_id IS NULL)
                            THEN CASE WHEN n.was_published THEN 'published' ELSE n.status END END) AS opening_status,
                   coalesce(sum(CASE WHEN n.is_opening THEN 0 ELSE n.was_published::int - o.was_published::int END), 0)::int AS replies,
                   bool_or(n.status = 'published' AND o.status <> 'published' AND (n.is_opening OR NOT o.was_published)) AS came_into_sight
              FROM new_posts n JOIN old_posts o ON o.id = n.id
             WHERE n.was_published <> o.was_published OR n.status <> o.status
             GROUP BY n.topic_id
          ) c
         WHERE t.id = c.topic_id
           AND ((c.opening_status IS NOT NULL AND c.opening_status <> t.status) OR c.replies <> 0 OR c.came_into_sight);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER posts_move_topics AFTER UPDATE ON posts
        REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
        FOR EACH STATEMENT EXECUTE FUNCTION topics_follow_posts()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER posts_move_topics ON posts`);
    await q.query(`DROP FUNCTION topics_follow_posts()`);
  }
}
