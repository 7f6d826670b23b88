namespace JsonApiInvites.Domain.Invitations;

/// <summary>Which invitations a list or lookup may see. Statuses are evaluated at <paramref name="Now"/>.</summary>
public sealed record InvitationFilter(IReadOnlySet<InvitationStatus> Statuses, string? Email, DateTimeOffset Now);

public sealed class InvitationAlreadyExistsException(string message) : Exception(message);

/// <summary>The email is already a member of the organization: no invitation is made.</summary>
public sealed class AlreadyMemberException(string message) : Exception(message);

public interface IInvitationRepository
{
    /// <summary>
    /// Inserts a pending invitation. An expired pending invite for the same email is marked expired in the same
    /// transaction, so it does not block a new one. Throws <see cref="InvitationAlreadyExistsException"/> when a
    /// pending invite for the same (organization, email) exists (the database's unique index decides), and
    /// <see cref="AlreadyMemberException"/> when the email is a member of the organization.
    /// </summary>
    /// <remarks>
    /// With <paramref name="sendEmail"/>, an invitation email is queued in the outbox in the same transaction. Returns the
    /// invitation as stored: its <c>created_at</c> (and expiry with it) may be moved a few milliseconds later so that the
    /// list order of an organization's invitations is their commit order.
    /// </remarks>
    Task<Invitation> CreateAsync(Invitation invitation, bool sendEmail, CancellationToken cancellationToken);

    Task<Invitation?> FindAsync(Guid organizationId, Guid invitationId, InvitationFilter filter, CancellationToken cancellationToken);

    Task<Page<Invitation>> ListAsync(Guid organizationId, InvitationFilter filter, PageRequest page, CancellationToken cancellationToken);

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

    /// <summary>The invitation whose current link carries the token of SHA-256 <paramref name="tokenHash"/>, in any state; null for an unknown or superseded token.</summary>
    Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts the invitation (SPEC §8) in one transaction, serialized with the organization's other writes: if it
    /// is pending, unexpired at <paramref name="now"/>, still opened by <paramref name="tokenHash"/>, and its email is
    /// not a member yet, it becomes accepted and membership <paramref name="membershipId"/> is made with its email
    /// and role. Returns that membership, or null when nothing was accepted (the caller reads why). Of any number of
    /// concurrent accepts, one returns a membership.
    /// </summary>
    Task<Memberships.Membership?> AcceptAsync(Invitation invitation, string tokenHash, Guid membershipId, DateTimeOffset now, CancellationToken cancellationToken);
}
