namespace JsonApiInvites.Domain.Email;

public enum EmailKind
{
    Invitation,
    Resend,
}

/// <summary>A claimed outbox row with what it takes to compose the email.</summary>
public sealed record OutboxEmail(
    Guid Id,
    EmailKind Kind,
    int Attempts,
    Guid InvitationId,
    string Recipient,
    string OrganizationName,
    string RoleName,
    DateTimeOffset ExpiresAt);

/// <summary>
/// The email outbox. Rows are written by <c>IInvitationRepository</c> in the transaction of the invite or resend;
/// a dispatcher claims due rows (a lease, so that two dispatchers never send the same row at once), sends, and
/// records the outcome.
/// </summary>
public interface IEmailOutbox
{
    /// <summary>Claims up to <paramref name="limit"/> due rows for <paramref name="lease"/>; rows of cancelled or accepted invitations are dropped, not sent.</summary>
    Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    /// <summary>Stores the hash of the link token about to be sent (replacing the previous link's).</summary>
    Task SetTokenHashAsync(Guid invitationId, string tokenHash, CancellationToken cancellationToken);

    Task MarkSentAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or given up when it is null.</summary>
    Task RecordFailureAsync(Guid id, DateTimeOffset now, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);
}
