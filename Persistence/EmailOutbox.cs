using System.Data.Common;
using Dapper;
using JsonApiInvites.Domain.Email;

namespace JsonApiInvites.Persistence;

public sealed class EmailOutbox(Database db) : IEmailOutbox
{
    /// <summary>Queues an email, due at once: @OutboxId, @InvitationId, @Kind (<see cref="KindName"/>), @QueuedAt.</summary>
    internal const string InsertSql =
        """
        INSERT INTO email_outbox (id, invitation_id, kind, created_at, next_attempt_at)
        VALUES (@OutboxId, @InvitationId, @Kind, @QueuedAt, @QueuedAt)
        """;

    /// <summary>
    /// As <see cref="InsertSql"/> for a new invitation: written only if the invitation exists (a create that found a
    /// duplicate inserted none) and has no email queued yet (a rerun of a create that did commit queues no second one).
    /// </summary>
    internal const string InsertForNewInvitationSql =
        """
        INSERT INTO email_outbox (id, invitation_id, kind, created_at, next_attempt_at)
        SELECT @OutboxId, @InvitationId, @Kind, @QueuedAt, @QueuedAt
        WHERE EXISTS (SELECT 1 FROM invitations WHERE id = @InvitationId)
          AND NOT EXISTS (SELECT 1 FROM email_outbox WHERE invitation_id = @InvitationId)
        """;

    /// <summary>The parameters of <see cref="InsertSql"/>: a new row for <paramref name="invitationId"/>, due at <paramref name="now"/>.</summary>
    internal static (string Name, object? Value)[] InsertParameters(Database db, Guid invitationId, EmailKind kind, DateTimeOffset now) =>
    [
        ("@OutboxId", db.Param(Guid.NewGuid())),
        ("@InvitationId", db.Param(invitationId)),
        ("@Kind", KindName(kind)),
        ("@QueuedAt", db.Param(now)),
    ];

    /// <summary>Queues an email inside the caller's transaction, so it exists exactly when the change that causes it does.</summary>
    internal static Task EnqueueAsync(Database db, DbConnection connection, DbTransaction transaction, Guid invitationId, EmailKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        foreach (var (name, value) in InsertParameters(db, invitationId, kind, now))
        {
            parameters.Add(name, value);
        }

        return connection.ExecuteAsync(new CommandDefinition(InsertSql, parameters, transaction, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { Now = db.Param(now), Until = db.Param(now + lease), Limit = limit };

        // An invitation cancelled or accepted before its email went out needs no email any more.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE email_outbox SET failed_at = @Now, last_error = 'The invitation is no longer open.'
            WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now
              AND EXISTS (SELECT 1 FROM invitations i WHERE i.id = email_outbox.invitation_id AND i.state IN ('cancelled', 'accepted'))
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken));
        // Several dispatchers (servers) may claim at once: each row goes to one of them (SKIP LOCKED where the
        // database has it; SQLite has one writer).
        var claimed = new List<object>();
        await using (var rows = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"""
            UPDATE email_outbox SET locked_until = @Until
            WHERE id IN (
                SELECT id FROM email_outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now
                  AND (locked_until IS NULL OR locked_until <= @Now)
                ORDER BY next_attempt_at, id
                LIMIT @Limit{db.SkipLockedSql})
            RETURNING id
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                claimed.Add(rows.GetValue(0));
            }
        }

        // What this claim took, with what the emails need, in one query.
        var emails = new List<OutboxEmail>(claimed.Count);
        if (claimed.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return emails;
        }

        // One parameter per claimed id (at most a batch): the same SQL on every provider.
        var names = claimed.Select((_, i) => "@c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var ids = new DynamicParameters();
        for (var i = 0; i < claimed.Count; i++)
        {
            ids.Add(names[i], claimed[i]);
        }

        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"""
            SELECT e.id, e.kind, e.attempts, e.invitation_id, i.email, o.name, r.name, i.expires_at
            FROM email_outbox e
            JOIN invitations i ON i.id = e.invitation_id
            JOIN organizations o ON o.id = i.organization_id
            JOIN roles r ON r.id = i.role_id
            WHERE e.id IN ({string.Join(", ", names)})
            ORDER BY e.next_attempt_at, e.id
            """,
            ids,
            transaction,
            cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                emails.Add(new OutboxEmail(
                    db.GetId(reader, 0),
                    now + lease,
                    reader.GetString(1) == "resend" ? EmailKind.Resend : EmailKind.Invitation,
                    Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                    db.GetId(reader, 3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    db.GetTime(reader, 7)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return emails;
    }

    public async Task SetTokenHashAsync(OutboxEmail email, string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE email_outbox SET token_hash = @Hash WHERE id = @Id AND locked_until = @Lease",
            new { Id = db.Param(email.Id), Hash = tokenHash, Lease = db.Param(email.LeasedUntil) },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> MarkSentAsync(OutboxEmail email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { Id = db.Param(email.Id), Now = db.Param(now), Lease = db.Param(email.LeasedUntil) };
        var sent = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE email_outbox SET sent_at = @Now, attempts = attempts + 1, locked_until = NULL, last_error = NULL
            WHERE id = @Id AND locked_until = @Lease
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)) > 0;
        if (sent)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE invitations SET token_hash = (SELECT token_hash FROM email_outbox WHERE id = @Id)
                WHERE id = (SELECT invitation_id FROM email_outbox WHERE id = @Id)
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return sent;
    }

    public async Task RecordFailureAsync(OutboxEmail email, DateTimeOffset now, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            retryAt is null
                ? """
                  UPDATE email_outbox SET attempts = attempts + 1, locked_until = NULL, last_error = @Error, failed_at = @Now
                  WHERE id = @Id AND locked_until = @Lease
                  """
                : """
                  UPDATE email_outbox SET attempts = attempts + 1, locked_until = NULL, last_error = @Error, next_attempt_at = @RetryAt
                  WHERE id = @Id AND locked_until = @Lease
                  """,
            new { Id = db.Param(email.Id), Now = db.Param(now), Error = error, RetryAt = db.Param(retryAt), Lease = db.Param(email.LeasedUntil) },
            cancellationToken: cancellationToken));
    }

    internal static string KindName(EmailKind kind) => kind == EmailKind.Resend ? "resend" : "invitation";
}
