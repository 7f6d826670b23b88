namespace JsonApiInvites.Domain.Invitations;

/// <summary>The state stored in the database. <see cref="InvitationStatus.Expired"/> is mostly derived from the clock.</summary>
public enum InvitationState
{
    Pending,
    Accepted,
    Cancelled,

    /// <summary>Stored only when a new invite for the same email supersedes an expired pending one.</summary>
    Expired,
}

/// <summary>The status a client sees: the stored state with expiry applied at a given instant.</summary>
public enum InvitationStatus
{
    Pending,
    Accepted,
    Cancelled,
    Expired,
}

public sealed record Invitation(
    Guid Id,
    Guid OrganizationId,
    string Email,
    Guid RoleId,
    InvitationState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ResentAt)
{
    /// <summary>When it was accepted; null until then.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>The membership its acceptance made; null until accepted, and again once that member is removed.</summary>
    public Guid? MembershipId { get; init; }

    /// <remarks>
    /// Its id is a version 7 UUID (time-ordered): new rows land at the end of every index keyed by it instead of at a
    /// random page of each. It carries the millisecond it was made, which the invitation's own <c>created_at</c>
    /// shows anyway (give or take the few milliseconds a create's list position may move that); its other 74 bits
    /// are random, so ids stay unguessable.
    /// </remarks>
    public static Invitation CreatePending(Guid organizationId, string email, Guid roleId, DateTimeOffset now, TimeSpan lifetime) =>
        new(Guid.CreateVersion7(now), organizationId, email, roleId, InvitationState.Pending, now, now + lifetime, null);

    /// <summary>Still waiting for an answer (pending, or expired without an answer): only such an invite may be resent, re-roled or cancelled.</summary>
    public bool IsOpen => State is InvitationState.Pending or InvitationState.Expired;

    /// <summary>The invite after a resend at <paramref name="now"/>: pending again, with a fresh expiry.</summary>
    public Invitation Resend(DateTimeOffset now, TimeSpan lifetime) =>
        this with { State = InvitationState.Pending, ExpiresAt = now + lifetime, ResentAt = now };

    public InvitationStatus StatusAt(DateTimeOffset now) => State switch
    {
        InvitationState.Pending when now >= ExpiresAt => InvitationStatus.Expired,
        InvitationState.Pending => InvitationStatus.Pending,
        InvitationState.Accepted => InvitationStatus.Accepted,
        InvitationState.Cancelled => InvitationStatus.Cancelled,
        InvitationState.Expired => InvitationStatus.Expired,
        _ => throw new InvalidOperationException($"Unknown invitation state {State}."),
    };
}

public static class InvitationStatusNames
{
    public static string ToName(this InvitationStatus status) => status switch
    {
        InvitationStatus.Pending => "pending",
        InvitationStatus.Accepted => "accepted",
        InvitationStatus.Cancelled => "cancelled",
        InvitationStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
