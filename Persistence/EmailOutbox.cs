using System.Data.Common;
using Dapper;
using JsonApiInvites.Domain.Email;

namespace JsonApiInvites.Persistence;

/// <remarks>
/// "Neither sent nor given up" is written <c>COALESCE(sent_at, failed_at) IS NULL</c> wherever a statement finds its
/// rows by id, claim or invitation, and <c>sent_at IS NULL AND failed_at IS NULL</c> only in the two queries of what is
/// due. The latter is the due index's own predicate, so PostgreSQL may use that partial index for any query that
/// states it; with statistics taken while the outbox was drained (a new database, or any autoanalyze between
/// bursts), the planner saw that index as empty and chose it over the primary key: marking an email sent or recording
/// its link read the whole backlog, filtered by id, so every statement grew with the backlog (a batch's commit
/// 2.6 → 9.5 ms through a burst of creates). The COALESCE form does not match the index, and means the same.
/// </remarks>
public sealed class EmailOutbox(Database db) : IEmailOutbox
{
    /// <summary>
    /// Queues a new invitation's email, due at once and first in its queue: written only if the invitation exists (a create that found a
    /// duplicate inserted none) and has no email queued yet (a rerun of a create that did commit queues no second one).
    /// </summary>
    internal const string InsertForNewInvitationSql =
        """
        INSERT INTO email_outbox (id, invitation_id, kind, created_at, next_attempt_at, seq)
        SELECT @OutboxId, @InvitationId, @Kind, @QueuedAt, @QueuedAt, 1
        WHERE EXISTS (SELECT 1 FROM invitations WHERE id = @InvitationId)
          AND NOT EXISTS (SELECT 1 FROM email_outbox WHERE invitation_id = @InvitationId)
        """;

    /// <summary>
    /// Queues a resend's email, due at once and last in the invitation's queue: none is queued while an email of the
    /// invitation is still waiting to be picked up (that one is made due at once instead, and is composed with the
    /// renewed expiry), so a burst of resends sends one email. An email already being sent does not count: it was
    /// composed before the resend.
    /// </summary>
    internal const string InsertForResendSql =
        """
        INSERT INTO email_outbox (id, invitation_id, kind, created_at, next_attempt_at, seq)
        SELECT @OutboxId, @InvitationId, @Kind, @QueuedAt, @QueuedAt,
               (SELECT COALESCE(MAX(seq), 0) + 1 FROM email_outbox WHERE invitation_id = @InvitationId)
        WHERE NOT EXISTS (
            SELECT 1 FROM email_outbox WHERE invitation_id = @InvitationId AND COALESCE(sent_at, failed_at) IS NULL AND claim_id IS NULL)
        """;

    /// <summary>Makes an email of the invitation that is waiting for a retry due at once (a resend asked for it).</summary>
    internal const string DueNowSql =
        """
        UPDATE email_outbox SET next_attempt_at = @QueuedAt
        WHERE invitation_id = @InvitationId AND COALESCE(sent_at, failed_at) IS NULL AND claim_id IS NULL AND next_attempt_at > @QueuedAt
        """;

    /// <summary>
    /// True when the link <c>@TokenHash</c> opens the invitation <paramref name="invitation"/> (an SQL expression): it
    /// was recorded for one of its emails, and no email of the invitation queued after that one has been sent (SPEC §8:
    /// a newer email's link replaces an older one's). Emails are ordered by <c>seq</c>, their place in the
    /// invitation's queue (assigned in the write that queues them, no clock involved). Every attempt of one email
    /// records its own link, and all of them work: a copy delivered just before a crash opens the invitation as the
    /// copy sent again after the restart does.
    /// </summary>
    internal static string LinkOpensSql(string invitation) =>
        $"""
        EXISTS (
            SELECT 1 FROM email_links l JOIN email_outbox e ON e.id = l.outbox_id
            WHERE l.token_hash = @TokenHash AND l.invitation_id = {invitation}
              AND NOT EXISTS (
                  SELECT 1 FROM email_outbox n
                  WHERE n.invitation_id = e.invitation_id AND n.seq > e.seq AND n.sent_at IS NOT NULL))
        """;

    /// <summary>The parameters of the inserts above: a new row for <paramref name="invitationId"/>, due at <paramref name="now"/>.</summary>
    internal static (string Name, object? Value)[] InsertParameters(Database db, Guid invitationId, EmailKind kind, DateTimeOffset now) =>
    [
        ("@OutboxId", db.Param(Guid.CreateVersion7(now))),
        ("@InvitationId", db.Param(invitationId)),
        ("@Kind", KindName(kind)),
        ("@QueuedAt", db.Param(now)),
    ];

    /// <summary>
    /// Queues a resend's email inside the caller's transaction (which has locked the invitation's row by updating it,
    /// so concurrent resends of one invitation run this one after another): one email while one is still queued.
    /// </summary>
    internal static async Task EnqueueResendAsync(Database db, DbConnection connection, DbTransaction transaction, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        foreach (var (name, value) in InsertParameters(db, invitationId, EmailKind.Resend, now))
        {
            parameters.Add(name, value);
        }

        await connection.ExecuteAsync(new CommandDefinition(DueNowSql, parameters, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertForResendSql, parameters, transaction, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid claimId, CancellationToken cancellationToken)
    {
        // The claim is a write of the group commit (WriteBatcher), as the dispatcher's other writes are: on SQLite
        // they share the creates' transactions instead of competing with them for the one write lock.
        // An email of an invitation closed meanwhile (cancelled, accepted, expired) is claimed like any other and
        // given up when its link would be recorded (RecordLinksAsync): one row at a time, never a scan of the backlog.
        // Several dispatchers (servers) may claim at once: each row goes to one of them (SKIP LOCKED where the
        // database has it; SQLite has one writer). A lease that ran out (a dispatcher that died) can be taken over.
        // Run twice (a batch rerun after an ambiguous failure), it claims more rows under the same claim: all are read below.
        await db.WriteAsync(
            new BatchedWrite(
                [
                    new WriteStatement(
                        $"""
                        UPDATE email_outbox SET locked_until = @Until, claim_id = @ClaimId
                        WHERE id IN (
                            SELECT id FROM email_outbox
                            WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now
                              AND (locked_until IS NULL OR locked_until <= @Now)
                            ORDER BY next_attempt_at, id
                            LIMIT {Sql.Limit(limit)}{db.SkipLockedSql})
                        """,
                        [("@Now", db.Param(now)), ("@Until", db.Param(now + lease)), ("@ClaimId", db.Param(claimId))]),
                ],
                SerializeBy: null),
            cancellationToken);

        // What this claim took, with what the emails need, in one query. Not cancelled: rows claimed must reach the
        // dispatcher, which releases what it does not send when it stops (else they would wait out the lease).
        await using var session = await db.ReadAsync(CancellationToken.None);
        var command = session.Command(ClaimedSql).With("@ClaimId", db.Param(claimId));
        var emails = new List<OutboxEmail>();
        await using var reader = await session.ExecuteReaderAsync(command, CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            emails.Add(new OutboxEmail(
                db.GetId(reader, 0),
                claimId,
                reader.GetString(1) == "resend" ? EmailKind.Resend : EmailKind.Invitation,
                Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                db.GetId(reader, 3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                db.GetTime(reader, 7)));
        }

        return emails;
    }

    public async Task<DateTimeOffset?> OldestDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command(OldestDueSql).With("@Now", db.Param(now));
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? db.GetTime(reader, 0) : null;
    }

    /// <summary>One of the two queries of what is due: the due index's own predicate, so that it is used.</summary>
    internal const string OldestDueSql = "SELECT MIN(next_attempt_at) FROM email_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now";

    public async Task RenewAsync(Guid claimId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            RenewSql,
            new { ClaimId = db.Param(claimId), Until = db.Param(until) },
            cancellationToken: cancellationToken));
    }

    public async Task<int> ReleaseAsync(Guid claimId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            ReleaseSql,
            new { ClaimId = db.Param(claimId) },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<LinkRecording>> RecordLinksAsync(IReadOnlyList<(OutboxEmail Email, string TokenHash)> links, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (links.Count == 0)
        {
            return [];
        }

        // One write for the whole batch, three statements per email: record the link (only while the claim holds the
        // row and the invitation is open), give the row up if its invitation closed, and read back which happened.
        // Each statement asks the database rather than the one before it, so a rerun finds the same answers.
        var statements = new List<WriteStatement>(links.Count * 3);
        foreach (var (email, hash) in links)
        {
            (string, object?)[] row = [("@Id", db.Param(email.Id)), ("@ClaimId", db.Param(email.ClaimId)), ("@Now", db.Param(now))];
            statements.Add(new WriteStatement(RecordLinkSql, [.. row, ("@Hash", hash)]));
            statements.Add(new WriteStatement(GiveUpClosedSql, row, ReturnsRows: true));
            statements.Add(new WriteStatement("SELECT COUNT(*) FROM email_links WHERE token_hash = @Hash", [("@Hash", hash)], ReturnsRows: true));
        }

        var results = await db.WriteAsync(new BatchedWrite(statements, SerializeBy: null), cancellationToken);
        var outcomes = new LinkRecording[links.Count];
        for (var i = 0; i < links.Count; i++)
        {
            outcomes[i] = results[2 * i] is not null ? LinkRecording.InvitationClosed
                : Convert.ToInt64(results[(2 * i) + 1], System.Globalization.CultureInfo.InvariantCulture) > 0 ? LinkRecording.Recorded
                : LinkRecording.ClaimLost;
        }

        return outcomes;
    }

    public async Task<IReadOnlyList<bool>> MarkSentAsync(IReadOnlyList<OutboxEmail> emails, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return [];
        }

        var results = await db.WriteAsync(
            new BatchedWrite(
                [
                    .. emails.Select(email => new WriteStatement(
                        MarkSentSql,
                        [("@Id", db.Param(email.Id)), ("@Now", db.Param(now)), ("@ClaimId", db.Param(email.ClaimId))],
                        ReturnsRows: true)),
                ],
                SerializeBy: null),
            cancellationToken);
        return [.. results.Select(id => id is not null)];
    }

    /// <summary>What a claim took, with what the emails need.</summary>
    internal const string ClaimedSql =
        """
        SELECT e.id, e.kind, e.attempts, e.invitation_id, i.email, o.name, r.name, i.expires_at
        FROM email_outbox e
        JOIN invitations i ON i.id = e.invitation_id
        JOIN organizations o ON o.id = i.organization_id
        JOIN roles r ON r.id = i.role_id
        WHERE e.claim_id = @ClaimId AND COALESCE(e.sent_at, e.failed_at) IS NULL
        ORDER BY e.next_attempt_at, e.id
        """;

    internal const string RenewSql = "UPDATE email_outbox SET locked_until = @Until WHERE claim_id = @ClaimId AND COALESCE(sent_at, failed_at) IS NULL";

    internal const string ReleaseSql = "UPDATE email_outbox SET locked_until = NULL, claim_id = NULL WHERE claim_id = @ClaimId AND COALESCE(sent_at, failed_at) IS NULL";

    internal const string MarkSentSql =
        """
        UPDATE email_outbox SET sent_at = @Now, attempts = attempts + 1, locked_until = NULL, claim_id = NULL, last_error = NULL
        WHERE id = @Id AND claim_id = @ClaimId AND COALESCE(sent_at, failed_at) IS NULL
        RETURNING id
        """;

    /// <summary>The link's hash, recorded for an email its claim still holds, of an invitation still open; a rerun records nothing twice.</summary>
    internal const string RecordLinkSql =
        $"""
        INSERT INTO email_links (token_hash, outbox_id, invitation_id, created_at)
        SELECT @Hash, e.id, e.invitation_id, @Now
        FROM email_outbox e JOIN invitations i ON i.id = e.invitation_id
        WHERE e.id = @Id AND e.claim_id = @ClaimId AND COALESCE(e.sent_at, e.failed_at) IS NULL
          AND {InvitationOpenSql}
        ON CONFLICT (token_hash) DO NOTHING
        """;

    /// <summary>
    /// The invitation <c>i</c> can still be accepted: the one test both statements of a link's recording make, so
    /// that exactly one of them acts on an email its claim holds.
    /// </summary>
    private const string InvitationOpenSql = "i.state = 'pending' AND i.expires_at > @Now";

    /// <summary>The email given up, when the claim holds it and its invitation is no longer open; returns its id then.</summary>
    internal const string GiveUpClosedSql =
        $"""
        UPDATE email_outbox SET failed_at = @Now, last_error = '{ClosedError}', locked_until = NULL, claim_id = NULL
        WHERE id = @Id AND claim_id = @ClaimId AND COALESCE(sent_at, failed_at) IS NULL
          AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.id = email_outbox.invitation_id AND {InvitationOpenSql})
        RETURNING id
        """;

    public async Task RecordFailureAsync(OutboxEmail email, DateTimeOffset now, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            retryAt is null
                ? """
                  UPDATE email_outbox SET attempts = attempts + 1, locked_until = NULL, claim_id = NULL, last_error = @Error, failed_at = @Now
                  WHERE id = @Id AND claim_id = @ClaimId AND sent_at IS NULL
                  """
                : """
                  UPDATE email_outbox SET attempts = attempts + 1, locked_until = NULL, claim_id = NULL, last_error = @Error, next_attempt_at = @RetryAt
                  WHERE id = @Id AND claim_id = @ClaimId AND sent_at IS NULL
                  """,
            new { Id = db.Param(email.Id), Now = db.Param(now), Error = error, RetryAt = db.Param(retryAt), ClaimId = db.Param(email.ClaimId) },
            cancellationToken: cancellationToken));
    }

    private const string ClosedError = "The invitation is no longer open.";

    internal static string KindName(EmailKind kind) => kind == EmailKind.Resend ? "resend" : "invitation";
}
