namespace JsonApiInvites.Domain.Email;

public enum EmailKind
{
    Invitation,
    Resend,
}

/// <summary>A claimed outbox row with what it takes to compose the email; <see cref="ClaimId"/> names the claim that holds it.</summary>
public sealed record OutboxEmail(
    Guid Id,
    Guid ClaimId,
    EmailKind Kind,
    int Attempts,
    Guid InvitationId,
    string Recipient,
    string OrganizationName,
    string RoleName,
    DateTimeOffset ExpiresAt);

/// <summary>What <see cref="IEmailOutbox.RecordLinkAsync"/> found.</summary>
public enum LinkRecording
{
    /// <summary>The link is recorded: it works from now on, so the email may leave.</summary>
    Recorded,

    /// <summary>The invitation is no longer open (cancelled, accepted, expired): the row is given up, nothing is sent.</summary>
    InvitationClosed,

    /// <summary>The claim no longer holds the row (its lease ran out and another dispatcher took it): leave it alone.</summary>
    ClaimLost,
}

/// <summary>
/// The email outbox. Rows are written by <c>IInvitationRepository</c> in the transaction of the invite or resend;
/// a dispatcher claims due rows for a short lease (so that two dispatchers never send the same row at once), renews
/// it while it sends, records each link before it leaves, records the outcome, and releases what it did not send.
/// </summary>
public interface IEmailOutbox
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows for <paramref name="lease"/> under <paramref name="claimId"/>;
    /// rows of invitations that are no longer open are claimed too, and given up by <see cref="RecordLinksAsync"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid claimId, CancellationToken cancellationToken);

    /// <summary>When the oldest email that is due and not sent became due, or null when none is waiting.</summary>
    Task<DateTimeOffset?> OldestDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Extends the lease of every row the claim still holds.</summary>
    Task RenewAsync(Guid claimId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives back the rows the claim holds and did not finish: due again at once, for any dispatcher.</summary>
    Task<int> ReleaseAsync(Guid claimId, CancellationToken cancellationToken);

    /// <summary>
    /// Records the hash of each link about to be sent, in one write: recorded where the invitation is still open and
    /// the claim still holds the row; the row given up where the invitation closed. One outcome per link, in order.
    /// </summary>
    Task<IReadOnlyList<LinkRecording>> RecordLinksAsync(IReadOnlyList<(OutboxEmail Email, string TokenHash)> links, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the rows sent, in one write; false for a row (nothing changed) that the claim no longer holds.</summary>
    Task<IReadOnlyList<bool>> MarkSentAsync(IReadOnlyList<OutboxEmail> emails, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or given up when it is null. Ignored when the claim no longer holds the row.</summary>
    Task RecordFailureAsync(OutboxEmail email, DateTimeOffset now, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);
}
