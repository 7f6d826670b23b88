using System.Data.Common;
using Dapper;
using JsonApiInvites.Domain.Email;

namespace JsonApiInvites.Persistence;

public sealed class EmailOutbox(SqliteConnectionFactory connections) : IEmailOutbox
{
    /// <summary>Queues an email inside the caller's transaction, so it exists exactly when the change that causes it does.</summary>
    internal static Task EnqueueAsync(DbConnection connection, DbTransaction transaction, Guid invitationId, EmailKind kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO email_outbox (id, invitation_id, kind, created_at, next_attempt_at)
            VALUES (@Id, @InvitationId, @Kind, @Now, @Now)
            """,
            new { Id = Columns.Id(Guid.NewGuid()), InvitationId = Columns.Id(invitationId), Kind = KindName(kind), Now = Columns.Time(now) },
            transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { Now = Columns.Time(now), Until = Columns.Time(now + lease), Limit = limit };

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
        var claimed = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            UPDATE email_outbox SET locked_until = @Until
            WHERE id IN (
                SELECT id FROM email_outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now
                  AND (locked_until IS NULL OR locked_until <= @Now)
                ORDER BY next_attempt_at, id
                LIMIT @Limit)
            RETURNING id
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken))).ToList();

        // What this claim took, with what the emails need, in one query.
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT e.id AS Id, e.kind AS Kind, e.attempts AS Attempts, e.invitation_id AS InvitationId,
                   i.email AS Email, o.name AS OrganizationName, r.name AS RoleName, i.expires_at AS ExpiresAt
            FROM email_outbox e
            JOIN invitations i ON i.id = e.invitation_id
            JOIN organizations o ON o.id = i.organization_id
            JOIN roles r ON r.id = i.role_id
            WHERE e.id IN @Claimed
            ORDER BY e.next_attempt_at, e.id
            """,
            new { Claimed = claimed },
            transaction,
            cancellationToken: cancellationToken));
        var emails = rows.Select(row => new OutboxEmail(
            Guid.Parse(row.Id),
            now + lease,
            row.Kind == "resend" ? EmailKind.Resend : EmailKind.Invitation,
            (int)row.Attempts,
            Guid.Parse(row.InvitationId),
            row.Email,
            row.OrganizationName,
            row.RoleName,
            Columns.Time(row.ExpiresAt))).ToList();

        await transaction.CommitAsync(cancellationToken);
        return emails;
    }

    public async Task SetTokenHashAsync(OutboxEmail email, string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE email_outbox SET token_hash = @Hash WHERE id = @Id AND locked_until = @Lease",
            new { Id = Columns.Id(email.Id), Hash = tokenHash, Lease = Columns.Time(email.LeasedUntil) },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> MarkSentAsync(OutboxEmail email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { Id = Columns.Id(email.Id), Now = Columns.Time(now), Lease = Columns.Time(email.LeasedUntil) };
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
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE email_outbox
            SET attempts = attempts + 1, locked_until = NULL, last_error = @Error,
                next_attempt_at = COALESCE(@RetryAt, next_attempt_at), failed_at = CASE WHEN @RetryAt IS NULL THEN @Now END
            WHERE id = @Id AND locked_until = @Lease
            """,
            new { Id = Columns.Id(email.Id), Now = Columns.Time(now), Error = error, RetryAt = Columns.Time(retryAt), Lease = Columns.Time(email.LeasedUntil) },
            cancellationToken: cancellationToken));
    }

    private static string KindName(EmailKind kind) => kind == EmailKind.Resend ? "resend" : "invitation";

    private sealed class Row
    {
        public required string Id { get; init; }
        public required string Kind { get; init; }
        public required long Attempts { get; init; }
        public required string InvitationId { get; init; }
        public required string Email { get; init; }
        public required string OrganizationName { get; init; }
        public required string RoleName { get; init; }
        public required long ExpiresAt { get; init; }
    }
}
