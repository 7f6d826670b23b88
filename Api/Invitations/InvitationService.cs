using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Invitations;

/// <summary>
/// The rules of an invitation's life (SPEC §5) over its repository: who may invite into which role, what state an
/// invitation must be in to be changed, resent or cancelled, and the errors a client gets when it is not. Controllers
/// read the request and shape the document; everything in between is here, testable without HTTP.
/// </summary>
public sealed class InvitationService(
    IInvitationRepository invitations,
    RoleGrants roles,
    TimeProvider clock,
    IOptions<InvitationOptions> options,
    Email.OutboxDispatcher emails)
{
    private TimeSpan Lifetime => TimeSpan.FromDays(options.Value.ExpiryDays);

    /// <summary>The invitation <paramref name="invitationId"/> (as given in the path) as <paramref name="filter"/> lets the version see it; 404 otherwise.</summary>
    public async Task<Invitation> FindAsync(Guid organizationId, string invitationId, InvitationFilter filter, CancellationToken cancellationToken)
    {
        var invitation = Guid.TryParse(invitationId, out var id)
            ? await invitations.FindAsync(organizationId, id, filter, cancellationToken)
            : null;
        return invitation ?? throw new JsonApiException(Errors.NotFound($"Invitation '{invitationId}' was not found."));
    }

    /// <summary>A new pending invitation, into a role the token may grant; its email is queued with it unless asked not to.</summary>
    public async Task<(Invitation Invitation, Role Role)> CreateAsync(Guid organizationId, CreateInvitationInput input, IReadOnlyList<string> permissions, CancellationToken cancellationToken)
    {
        var role = await roles.GrantableAsync(organizationId, input.Role, permissions, "invite into", InvitationInput.RolePointer, cancellationToken);
        var invitation = Invitation.CreatePending(organizationId, input.Email, role.Id, clock.GetUtcNow(), Lifetime);
        try
        {
            invitation = await invitations.CreateAsync(invitation, input.SendEmail, cancellationToken);
        }
        catch (InvitationAlreadyExistsException exception)
        {
            throw new JsonApiException(Errors.AlreadyExists(exception.Message));
        }
        catch (AlreadyMemberException exception)
        {
            throw new JsonApiException(Errors.AlreadyMember(exception.Message, ErrorSource.AtPointer("/data/attributes/email")));
        }

        Observability.Telemetry.InvitationsCreated.Add(1);
        if (input.SendEmail)
        {
            Observability.Telemetry.EmailsQueued.Add(1);
            emails.Notify();
        }

        return (invitation, role);
    }

    /// <summary>
    /// Updates an open invitation (409 when it is answered or cancelled): gives it the role <paramref name="identifier"/>
    /// names, if any, which the token must be able to grant.
    /// </summary>
    public async Task<Invitation> UpdateAsync(Invitation invitation, ResourceIdentifier? identifier, IReadOnlyList<string> permissions, string rolePointer, CancellationToken cancellationToken)
    {
        EnsureOpen(invitation, "changed");
        if (identifier is null)
        {
            return invitation;
        }

        var role = await roles.GrantableAsync(invitation.OrganizationId, identifier, permissions, "change an invitation to", rolePointer, cancellationToken);
        if (role.Id == invitation.RoleId)
        {
            return invitation;
        }

        if (!await invitations.ChangeRoleAsync(invitation.OrganizationId, invitation.Id, role.Id, cancellationToken))
        {
            throw new JsonApiException(Errors.InvalidState("The invitation was answered or cancelled meanwhile and can no longer be changed."));
        }

        return invitation with { RoleId = role.Id };
    }

    /// <summary>Sends an open invitation again, pending for a fresh lifetime from now.</summary>
    public async Task<Invitation> ResendAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        EnsureOpen(invitation, "resent");
        var resent = invitation.Resend(clock.GetUtcNow(), Lifetime);
        try
        {
            if (!await invitations.ResendAsync(resent, cancellationToken))
            {
                throw new JsonApiException(Errors.InvalidState("The invitation was answered or cancelled meanwhile and can no longer be resent."));
            }
        }
        catch (InvitationAlreadyExistsException exception)
        {
            throw new JsonApiException(Errors.AlreadyExists(exception.Message) with { Source = null });
        }

        Observability.Telemetry.EmailsQueued.Add(1);
        emails.Notify();
        return resent;
    }

    /// <summary>Cancels a pending or expired invitation: a cancelled one is gone (404), an accepted one stays (409).</summary>
    public async Task CancelAsync(Invitation invitation, string invitationId, CancellationToken cancellationToken)
    {
        switch (invitation.StatusAt(clock.GetUtcNow()))
        {
            case InvitationStatus.Cancelled:
                throw new JsonApiException(Errors.NotFound($"Invitation '{invitationId}' was not found."));
            case InvitationStatus.Accepted:
                throw new JsonApiException(Errors.InvalidState("An accepted invitation cannot be cancelled."));
        }

        if (!await invitations.CancelAsync(invitation.OrganizationId, invitation.Id, clock.GetUtcNow(), cancellationToken))
        {
            // Cancelled or accepted by a concurrent request between the read and the update.
            throw new JsonApiException(Errors.NotFound($"Invitation '{invitationId}' was not found."));
        }

        Observability.Telemetry.InvitationsCancelled.Add(1);
    }

    private static void EnsureOpen(Invitation invitation, string verb)
    {
        if (!invitation.IsOpen)
        {
            var state = invitation.State == InvitationState.Accepted ? "An accepted" : "A cancelled";
            throw new JsonApiException(Errors.InvalidState($"{state} invitation cannot be {verb}."));
        }
    }
}
