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

    /// <remarks>
    /// One write on the group-committed path, durable when this returns, and safe to run twice: the expiry of a stale
    /// pending invite, the insert at its list position (nothing when a pending invite for the email exists: the
    /// unique index decides), and the outbox row (only with the invitation, and only once).
    /// </remarks>
    public async Task<Invitation> CreateAsync(Invitation invitation, bool sendEmail, CancellationToken cancellationToken)
    {
        var results = await db.WriteAsync(CreateWrite(invitation, sendEmail), cancellationToken);
        if (results[0] is not { } position)
        {
            throw new InvitationAlreadyExistsException($"A pending invitation for {invitation.Email} already exists in this organization.");
        }

        var requestedAt = DateTimeOffset.FromUnixTimeMilliseconds(invitation.CreatedAt.ToUnixTimeMilliseconds());
        var shift = db.ToTime(position) - requestedAt;
        return invitation with { CreatedAt = requestedAt + shift, ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(invitation.ExpiresAt.ToUnixTimeMilliseconds()) + shift };
    }

    /// <summary>The write of <see cref="CreateAsync"/>; its one result is the invitation's stored <c>created_at</c>, null for a duplicate.</summary>
    internal BatchedWrite CreateWrite(Invitation invitation, bool sendEmail)
    {
        if (invitation.State != InvitationState.Pending || invitation.ResentAt is not null)
        {
            throw new ArgumentException("A new invitation is pending and never resent.", nameof(invitation));
        }

        // Each statement binds only what it names (SQLite binds every parameter given, per statement and per create).
        (string, object?) id = ("@Id", db.Param(invitation.Id));
        (string, object?) organization = ("@OrganizationId", db.Param(invitation.OrganizationId));
        (string, object?) emailKey = ("@EmailKey", EmailAddress.UniquenessKey(invitation.Email));
        (string, object?) createdAt = ("@CreatedAt", db.Param(invitation.CreatedAt));
        (string, object?)[] parameters =
        [
            id, organization, ("@Email", invitation.Email), emailKey, ("@RoleId", db.Param(invitation.RoleId)), createdAt,
            ("@ExpiresAt", db.Param(invitation.ExpiresAt)),
        ];
        List<WriteStatement> statements =
        [
            // An expired pending invite must not block a new one: the unique index only covers state = 'pending'.
            new(ExpireStaleSql, [organization, emailKey, createdAt]),
            // The list order (created_at, id) must be the commit order, or a client walking pages could pass a slot
            // that a slower create fills later (SPEC §6). Creates of one organization commit one after another
            // (serialized by its id), so each goes at least 1 ms after the newest.
            new(InsertSql, parameters),
            // Its position, read back: no row means a pending invite for the email exists. Read rather than
            // returned by the insert, so that a rerun of a write whose first run did commit (WriteBatcher) finds
            // the invitation it made instead of reporting a duplicate.
            new("SELECT created_at FROM invitations WHERE id = @Id", [id], ReturnsRows: true),
        ];
        if (sendEmail)
        {
            // Due now: the list position may lie a few milliseconds ahead, the email need not wait for it.
            statements.Add(new(EmailOutbox.InsertForNewInvitationSql, EmailOutbox.InsertParameters(db, invitation.Id, Domain.Email.EmailKind.Invitation, invitation.CreatedAt)));
        }

        return new BatchedWrite(statements, invitation.OrganizationId);
    }

    private const string ExpireStaleSql =
        """
        UPDATE invitations SET state = 'expired'
        WHERE organization_id = @OrganizationId AND email_key = @EmailKey AND state = 'pending' AND expires_at <= @CreatedAt
        """;

    // "WHERE true": SQLite needs it before ON CONFLICT after a SELECT. The conflict target is the partial unique index.
    private string InsertSql =>
        $"""
        INSERT INTO invitations (id, organization_id, email, email_key, role_id, state, created_at, expires_at)
        SELECT @Id, @OrganizationId, @Email, @EmailKey, @RoleId, 'pending', position.at, @ExpiresAt + (position.at - @CreatedAt)
        FROM (SELECT {db.NextPositionSql} AS at) position
        WHERE true
        ON CONFLICT (organization_id, email_key) WHERE state = 'pending' DO NOTHING
        """;

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
            // Ordered, so that the planner walks the organization's index from the near end (unordered, PostgreSQL may
            // scan the whole table for one row of a small organization).
            var opposite = backward
                ? "(created_at, id) >= (@CursorTime, @CursorId) ORDER BY created_at DESC, id DESC"
                : "(created_at, id) <= (@CursorTime, @CursorId) ORDER BY created_at, id";
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
