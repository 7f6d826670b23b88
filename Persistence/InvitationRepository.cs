using System.Data.Common;
using Dapper;
using JsonApiInvites.Domain;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;

namespace JsonApiInvites.Persistence;

public sealed class InvitationRepository(Database db) : IInvitationRepository
{
    private const string SelectColumns =
        """
        SELECT id, email, role_id, state, created_at, expires_at, resent_at, accepted_at, membership_id
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
            throw results[1] is not null
                ? new AlreadyMemberException($"{invitation.Email} is already a member of this organization.")
                : new InvitationAlreadyExistsException($"A pending invitation for {invitation.Email} already exists in this organization.");
        }

        var requestedAt = DateTimeOffset.FromUnixTimeMilliseconds(invitation.CreatedAt.ToUnixTimeMilliseconds());
        var shift = db.ToTime(position) - requestedAt;
        return invitation with { CreatedAt = requestedAt + shift, ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(invitation.ExpiresAt.ToUnixTimeMilliseconds()) + shift };
    }

    /// <summary>
    /// The write of <see cref="CreateAsync"/>; its results are the invitation's stored <c>created_at</c> (null when none
    /// was made) and whether the email is a member (non-null when it is).
    /// </summary>
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
            new(MemberSql, [organization, emailKey], ReturnsRows: true),
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

    // Nothing for a member (SPEC §5: already_member). SQLite needs a WHERE before ON CONFLICT after a SELECT. The
    // conflict target is the partial unique index: a second pending invite is not inserted, and not an error.
    private string InsertSql =>
        $"""
        INSERT INTO invitations (id, organization_id, email, email_key, role_id, state, created_at, expires_at)
        SELECT @Id, @OrganizationId, @Email, @EmailKey, @RoleId, 'pending', position.at, @ExpiresAt + (position.at - @CreatedAt)
        FROM (SELECT {db.NextPositionSql("invitations")} AS at) position
        WHERE NOT EXISTS ({MemberSql})
        ON CONFLICT (organization_id, email_key) WHERE state = 'pending' DO NOTHING
        """;

    /// <summary>The WHERE clause of <see cref="Where"/> without filters, and GET one's query with it (made once, not per request).</summary>
    private const string OrganizationOnly = "organization_id = @OrganizationId";
    private const string FindInOrganizationSql = $"{SelectColumns} WHERE {OrganizationOnly} AND id = @Id";

    private const string MemberSql = "SELECT 1 FROM memberships WHERE organization_id = @OrganizationId AND email_key = @EmailKey";

    public async Task<Invitation?> FindAsync(Guid organizationId, Guid invitationId, InvitationFilter filter, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(organizationId, filter);
        parameters.Add(("@Id", db.Param(invitationId)));
        await using var session = await db.ReadAsync(cancellationToken);
        var sql = where == OrganizationOnly ? FindInOrganizationSql : $"{SelectColumns} WHERE {where} AND id = @Id";
        var command = KeysetPages.Bind(session.Command(sql), parameters);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, organizationId) : null;
    }

    public Task<Page<Invitation>> ListAsync(Guid organizationId, InvitationFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(organizationId, filter);
        return KeysetPages.ReadAsync(db, SelectColumns, "invitations", where, parameters, page, reader => Read(reader, organizationId), cancellationToken);
    }

    public async Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command(
                $"""
                {SelectColumns.Replace("SELECT ", "SELECT organization_id, ", StringComparison.Ordinal)}
                WHERE id = (SELECT invitation_id FROM email_links WHERE token_hash = @TokenHash) AND {EmailOutbox.LinkOpensSql("invitations.id")}
                """)
            .With("@TokenHash", tokenHash);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, db.GetId(reader, 0), offset: 1) : null;
    }

    /// <remarks>
    /// One write, serialized with the organization's creates and member changes, and safe to rerun: the invitation is
    /// marked accepted only while it is pending, unexpired, opened by this token and its email no member; the
    /// membership is inserted only for an invitation marked with its id, and read back by that id.
    /// </remarks>
    public async Task<Membership?> AcceptAsync(Invitation invitation, string tokenHash, Guid membershipId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string, object?) organization = ("@OrganizationId", db.Param(invitation.OrganizationId));
        (string, object?) membership = ("@MembershipId", db.Param(membershipId));
        (string, object?) invitationId = ("@InvitationId", db.Param(invitation.Id));
        (string, object?) createdAt = ("@CreatedAt", db.Param(now));
        List<WriteStatement> statements =
        [
            new(
                $"""
                UPDATE invitations SET state = 'accepted', accepted_at = @CreatedAt, membership_id = @MembershipId
                WHERE id = @InvitationId AND organization_id = @OrganizationId
                  AND state = 'pending' AND expires_at > @CreatedAt
                  AND {EmailOutbox.LinkOpensSql("invitations.id")}
                  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = @OrganizationId AND m.email_key = invitations.email_key)
                """,
                [organization, membership, invitationId, createdAt, ("@TokenHash", tokenHash)]),
            new(
                $"""
                INSERT INTO memberships (id, organization_id, email, email_key, role_id, invitation_id, created_at)
                SELECT @MembershipId, i.organization_id, i.email, i.email_key, i.role_id, i.id, position.at
                FROM invitations i, (SELECT {db.NextPositionSql("memberships")} AS at) position
                WHERE i.id = @InvitationId AND i.membership_id = @MembershipId
                ON CONFLICT DO NOTHING
                """,
                [organization, membership, invitationId, createdAt]),
            new("SELECT created_at FROM memberships WHERE id = @MembershipId", [membership], ReturnsRows: true),
        ];
        var results = await db.WriteAsync(new BatchedWrite(statements, invitation.OrganizationId), cancellationToken);
        return results[0] is null
            ? null
            : await new MembershipRepository(db).FindAsync(invitation.OrganizationId, membershipId, cancellationToken);
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
        await using var connection = await db.OpenForTransactionAsync(cancellationToken);
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

        await EmailOutbox.EnqueueResendAsync(db, connection, transaction, resent.Id, resent.ResentAt ?? resent.CreatedAt, cancellationToken);
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
        var sql = OrganizationOnly;

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

    /// <summary>
    /// A row of <see cref="SelectColumns"/>, read by position: the hot path of every read (a page is 101 rows), so no
    /// mapper in between and no column the query already fixes (every query here is within one organization).
    /// </summary>
    /// <param name="offset">Where the columns of <see cref="SelectColumns"/> start in the row.</param>
    private Invitation Read(DbDataReader reader, Guid organizationId, int offset = 0) => new(
        db.GetId(reader, offset),
        organizationId,
        reader.GetString(offset + 1),
        db.GetId(reader, offset + 2),
        ParseState(reader.GetString(offset + 3)),
        db.GetTime(reader, offset + 4),
        db.GetTime(reader, offset + 5),
        db.GetNullableTime(reader, offset + 6))
    {
        AcceptedAt = db.GetNullableTime(reader, offset + 7),
        MembershipId = reader.IsDBNull(offset + 8) ? null : db.GetId(reader, offset + 8),
    };

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
