using System.Data.Common;
using Dapper;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Persistence;

public sealed class InvitationRepository(Database db) : IInvitationRepository
{
    private const string SelectColumns =
        """
        SELECT id, email, role_id, state, created_at, expires_at, resent_at
        FROM invitations
        """;

    public async Task<Invitation> CreateAsync(Invitation invitation, bool sendEmail, CancellationToken cancellationToken)
    {
        var emailKey = EmailAddress.UniquenessKey(invitation.Email);
        var stored = invitation;
        try
        {
            // The provider's write path (SQLite: group-committed with concurrent creates): durable when this returns.
            await db.WriteAsync(async (connection, transaction, token) => stored = await InsertAsync(connection, transaction, invitation, emailKey, sendEmail, token), cancellationToken);
        }
        catch (DbException exception) when (db.IsUniqueViolation(exception))
        {
            throw new InvitationAlreadyExistsException($"A pending invitation for {invitation.Email} already exists in this organization.");
        }

        return stored;
    }

    private async Task<Invitation> InsertAsync(DbConnection connection, DbTransaction transaction, Invitation requested, string emailKey, bool sendEmail, CancellationToken cancellationToken)
    {
        // The list order (created_at, id) must be the commit order, or a client walking pages could pass a slot that a
        // slower create fills later (SPEC §6). Creates of one organization are serialized here (SQLite has one writer;
        // other databases lock the organization until commit), so: at least 1 ms after the newest invite.
        var organizationId = db.Param(requested.OrganizationId);
        if (db.LockOrganizationForCreateSql is { } lockSql)
        {
            await connection.ExecuteAsync(new CommandDefinition(lockSql, new { OrganizationId = organizationId }, transaction, cancellationToken: cancellationToken));
        }

        var newest = await connection.ExecuteScalarAsync<object?>(new CommandDefinition(
            "SELECT MAX(created_at) FROM invitations WHERE organization_id = @OrganizationId",
            new { OrganizationId = organizationId },
            transaction,
            cancellationToken: cancellationToken));
        var created = DateTimeOffset.FromUnixTimeMilliseconds(requested.CreatedAt.ToUnixTimeMilliseconds());
        var shift = newest is null or DBNull || db.ToTime(newest) < created ? TimeSpan.Zero : db.ToTime(newest).AddMilliseconds(1) - created;
        var invitation = requested with { CreatedAt = requested.CreatedAt + shift, ExpiresAt = requested.ExpiresAt + shift };

        // An expired pending invite must not block a new one; the unique index only covers state = 'pending'.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE invitations SET state = 'expired'
            WHERE organization_id = @OrganizationId AND email_key = @EmailKey AND state = 'pending' AND expires_at <= @Now
            """,
            new { OrganizationId = organizationId, EmailKey = emailKey, Now = db.Param(invitation.CreatedAt) },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO invitations (id, organization_id, email, email_key, role_id, state, created_at, expires_at, resent_at)
            VALUES (@Id, @OrganizationId, @Email, @EmailKey, @RoleId, @State, @CreatedAt, @ExpiresAt, @ResentAt)
            """,
            new
            {
                Id = db.Param(invitation.Id),
                OrganizationId = organizationId,
                invitation.Email,
                EmailKey = emailKey,
                RoleId = db.Param(invitation.RoleId),
                State = StateName(invitation.State),
                CreatedAt = db.Param(invitation.CreatedAt),
                ExpiresAt = db.Param(invitation.ExpiresAt),
                ResentAt = db.Param(invitation.ResentAt),
            },
            transaction,
            cancellationToken: cancellationToken));
        if (sendEmail)
        {
            // Due now: the list position may lie a few milliseconds ahead, the email need not wait for it.
            await EmailOutbox.EnqueueAsync(db, connection, transaction, invitation.Id, Domain.Email.EmailKind.Invitation, requested.CreatedAt, cancellationToken);
        }

        return invitation;
    }

    public async Task<Invitation?> FindAsync(Guid organizationId, Guid invitationId, InvitationFilter filter, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(organizationId, filter);
        parameters.Add(("@Id", db.Param(invitationId)));
        await using var session = await db.ReadAsync(cancellationToken);
        var command = Bind(session.Command($"{SelectColumns} WHERE {where} AND id = @Id"), parameters);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, organizationId) : null;
    }

    public async Task<InvitationPage> ListAsync(Guid organizationId, InvitationFilter filter, InvitationPageRequest page, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(organizationId, filter);
        parameters.Add(("@Take", page.Limit + 1));
        var backward = page.EndingBefore is not null;
        var cursor = page.EndingBefore ?? page.StartingAfter;
        if (cursor is { } c)
        {
            parameters.Add(("@CursorTime", db.Param(c.CreatedAt)));
            parameters.Add(("@CursorId", db.Param(c.Id)));
        }

        var seek = cursor is null ? string.Empty : backward ? " AND (created_at, id) < (@CursorTime, @CursorId)" : " AND (created_at, id) > (@CursorTime, @CursorId)";
        var order = backward ? "created_at DESC, id DESC" : "created_at, id";

        await using var session = await db.ReadAsync(cancellationToken);
        var items = new List<Invitation>(page.Limit + 1);
        var command = Bind(session.Command($"{SelectColumns} WHERE {where}{seek} ORDER BY {order} LIMIT @Take"), parameters);
        await using (var reader = await session.ExecuteReaderAsync(command, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader, organizationId));
            }
        }

        var more = items.Count > page.Limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        if (backward)
        {
            items.Reverse();
        }

        // Whether anything lies on the cursor's other side (the cursor row itself may have been filtered out).
        var beyondCursor = false;
        if (cursor is not null)
        {
            var opposite = backward ? "(created_at, id) >= (@CursorTime, @CursorId)" : "(created_at, id) <= (@CursorTime, @CursorId)";
            var exists = Bind(session.Command($"SELECT 1 FROM invitations WHERE {where} AND {opposite} LIMIT 1"), parameters);
            await using var reader = await session.ExecuteReaderAsync(exists, cancellationToken);
            beyondCursor = await reader.ReadAsync(cancellationToken);
        }

        return backward
            ? new InvitationPage(items, HasPrevious: more, HasNext: beyondCursor)
            : new InvitationPage(items, HasPrevious: beyondCursor, HasNext: more);
    }

    public async Task<bool> ChangeRoleAsync(Guid organizationId, Guid invitationId, Guid roleId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE invitations SET role_id = @RoleId
            WHERE organization_id = @OrganizationId AND id = @Id AND state IN ('pending', 'expired')
            """,
            new { OrganizationId = db.Param(organizationId), Id = db.Param(invitationId), RoleId = db.Param(roleId) },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task<bool> ResendAsync(Invitation resent, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int rows;
        try
        {
            rows = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE invitations SET state = 'pending', expires_at = @ExpiresAt, resent_at = @ResentAt
                WHERE organization_id = @OrganizationId AND id = @Id AND state IN ('pending', 'expired')
                """,
                new
                {
                    OrganizationId = db.Param(resent.OrganizationId),
                    Id = db.Param(resent.Id),
                    ExpiresAt = db.Param(resent.ExpiresAt),
                    ResentAt = db.Param(resent.ResentAt),
                },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (DbException exception) when (db.IsUniqueViolation(exception))
        {
            throw new InvitationAlreadyExistsException($"Another pending invitation for {resent.Email} exists in this organization.");
        }

        if (rows == 0)
        {
            return false;
        }

        await EmailOutbox.EnqueueAsync(db, connection, transaction, resent.Id, Domain.Email.EmailKind.Resend, resent.ResentAt ?? resent.CreatedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> CancelAsync(Guid organizationId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE invitations SET state = 'cancelled', cancelled_at = @Now
            WHERE organization_id = @OrganizationId AND id = @Id AND state IN ('pending', 'expired')
            """,
            new { OrganizationId = db.Param(organizationId), Id = db.Param(invitationId), Now = db.Param(now) },
            cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The WHERE clause for an organization and filter; only fixed SQL fragments, every value a parameter.</summary>
    private (string Sql, List<(string Name, object Value)> Parameters) Where(Guid organizationId, InvitationFilter filter)
    {
        var parameters = new List<(string Name, object Value)>(6) { ("@OrganizationId", db.Param(organizationId)) };
        var sql = "organization_id = @OrganizationId";

        if (filter.Statuses.Count < Enum.GetValues<InvitationStatus>().Length)
        {
            parameters.Add(("@Now", db.Param(filter.Now)));
            var statuses = filter.Statuses.Order().Select(s => s switch
            {
                InvitationStatus.Pending => "(state = 'pending' AND expires_at > @Now)",
                InvitationStatus.Expired => "(state = 'expired' OR (state = 'pending' AND expires_at <= @Now))",
                InvitationStatus.Accepted => "state = 'accepted'",
                InvitationStatus.Cancelled => "state = 'cancelled'",
                _ => throw new ArgumentOutOfRangeException(nameof(filter), s, "Unknown status."),
            });
            sql += $" AND ({string.Join(" OR ", statuses.DefaultIfEmpty("0 = 1"))})";
        }

        if (filter.Email is { } email)
        {
            parameters.Add(("@EmailKey", EmailAddress.UniquenessKey(EmailAddress.Normalize(email))));
            sql += " AND email_key = @EmailKey";
        }

        return (sql, parameters);
    }

    private static DbCommand Bind(DbCommand command, List<(string Name, object Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return command;
    }

    /// <summary>
    /// A row of <see cref="SelectColumns"/>, read by position: the hot path of every read (a page is 101 rows), so no
    /// mapper in between and no column the query already fixes (every query here is within one organization).
    /// </summary>
    private Invitation Read(DbDataReader reader, Guid organizationId) => new(
        db.GetId(reader, 0),
        organizationId,
        reader.GetString(1),
        db.GetId(reader, 2),
        ParseState(reader.GetString(3)),
        db.GetTime(reader, 4),
        db.GetTime(reader, 5),
        db.GetNullableTime(reader, 6));

    private static string StateName(InvitationState state) => state switch
    {
        InvitationState.Pending => "pending",
        InvitationState.Accepted => "accepted",
        InvitationState.Cancelled => "cancelled",
        InvitationState.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static InvitationState ParseState(string state) => state switch
    {
        "pending" => InvitationState.Pending,
        "accepted" => InvitationState.Accepted,
        "cancelled" => InvitationState.Cancelled,
        "expired" => InvitationState.Expired,
        _ => throw new InvalidOperationException($"Unknown stored invitation state '{state}'."),
    };
}
