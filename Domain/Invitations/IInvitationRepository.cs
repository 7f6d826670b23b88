namespace JsonApiInvites.Domain.Invitations;

/// <summary>A position in the (created_at, id) order of an organization's invitations.</summary>
public readonly record struct InvitationPosition(DateTimeOffset CreatedAt, Guid Id)
{
    public static InvitationPosition Of(Invitation invitation) => new(invitation.CreatedAt, invitation.Id);
}

/// <summary>Which invitations a list or lookup may see. Statuses are evaluated at <paramref name="Now"/>.</summary>
public sealed record InvitationFilter(IReadOnlySet<InvitationStatus> Statuses, string? Email, DateTimeOffset Now);

/// <summary>A keyset page request: at most one of the two positions is set.</summary>
public sealed record InvitationPageRequest(int Limit, InvitationPosition? StartingAfter, InvitationPosition? EndingBefore);

/// <summary>One page, oldest first, and whether there is anything before or after it.</summary>
public sealed record InvitationPage(IReadOnlyList<Invitation> Items, bool HasPrevious, bool HasNext);

public sealed class InvitationAlreadyExistsException(string message) : Exception(message);

public interface IInvitationRepository
{
    /// <summary>
    /// Inserts a pending invitation. An expired pending invite for the same email is marked expired in the same
    /// transaction, so it does not block a new one. Throws <see cref="InvitationAlreadyExistsException"/> when a
    /// pending invite for the same (organization, email) exists; the database's unique index decides.
    /// </summary>
    /// <remarks>
    /// With <paramref name="sendEmail"/>, an invitation email is queued in the outbox in the same transaction. Returns the
    /// invitation as stored: its <c>created_at</c> (and expiry with it) may be moved a few milliseconds later so that the
    /// list order of an organization's invitations is their commit order.
    /// </remarks>
    Task<Invitation> CreateAsync(Invitation invitation, bool sendEmail, CancellationToken cancellationToken);

    Task<Invitation?> FindAsync(Guid organizationId, Guid invitationId, InvitationFilter filter, CancellationToken cancellationToken);

    Task<InvitationPage> ListAsync(Guid organizationId, InvitationFilter filter, InvitationPageRequest page, CancellationToken cancellationToken);

    /// <summary>Gives an open (pending or expired) invitation another role; false when it is no longer open.</summary>
    Task<bool> ChangeRoleAsync(Guid organizationId, Guid invitationId, Guid roleId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a resend of an open invitation (pending again, new expiry, <c>resent_at</c>); false when it is no longer
    /// open. Throws <see cref="InvitationAlreadyExistsException"/> when reviving it would make a second pending invite.
    /// A resend email is queued in the outbox in the same transaction.
    /// </summary>
    Task<bool> ResendAsync(Invitation resent, CancellationToken cancellationToken);

    /// <summary>Marks a pending or expired invitation cancelled; false when there was none to cancel.</summary>
    Task<bool> CancelAsync(Guid organizationId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken);
}
