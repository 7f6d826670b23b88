namespace JsonApiInvites.Domain.Email;

public enum EmailKind
{
    Invitation,
    Resend,
}

/// <summary>A claimed outbox row with what it takes to compose the email.</summary>
public sealed record OutboxEmail(
    Guid Id,
    DateTimeOffset LeasedUntil,
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

    /// <summary>Records the hash of the link token about to be sent, on the row (the invitation keeps the previous link's).</summary>
    Task SetTokenHashAsync(OutboxEmail email, string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the row sent and makes its link the invitation's, in one transaction; false (nothing changed) when the
    /// lease ran out and the row is no longer this dispatcher's.
    /// </summary>
    Task<bool> MarkSentAsync(OutboxEmail email, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or given up when it is null. Ignored once the lease ran out.</summary>
    Task RecordFailureAsync(OutboxEmail email, DateTimeOffset now, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);
}
