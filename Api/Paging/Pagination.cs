using System.Globalization;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain;

namespace JsonApiInvites.Api.Paging;

/// <summary>The cursor pagination of SPEC §6 (invitations, memberships): parameters, validation and the page links.</summary>
public static class Pagination
{
    public const string Limit = "limit";
    public const string StartingAfter = "starting_after";
    public const string EndingBefore = "ending_before";
    public const int DefaultLimit = 10;

    public static IReadOnlyList<string> Parameters { get; } = [Limit, StartingAfter, EndingBefore];

    public static PageRequest Read(QueryReader query)
    {
        var limit = DefaultLimit;
        if (query.Single(Limit) is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 10 || limit > 100 || limit % 10 != 0)
            {
                throw new JsonApiException(Errors.InvalidQueryParameter(Limit, "'limit' must be a multiple of 10 from 10 to 100."));
            }
        }

        var after = query.Single(StartingAfter);
        var before = query.Single(EndingBefore);
        if (after is not null && before is not null)
        {
            throw new JsonApiException(Errors.InvalidQueryParameter(EndingBefore, "Give 'starting_after' or 'ending_before', not both."));
        }

        return new PageRequest(
            limit,
            after is null ? null : PageCursor.Decode(StartingAfter, after),
            before is null ? null : PageCursor.Decode(EndingBefore, before));
    }

    /// <summary>
    /// <c>self</c> is the request as made; <c>first</c>, <c>prev</c> and <c>next</c> keep every other parameter and replace the cursor.
    /// </summary>
    public static Links LinksFor<T>(string path, IQueryCollection query, LinkBuilder links, PageRequest request, Page<T> page, Func<T, ListPosition> positionOf)
    {
        var kept = query
            .Where(p => p.Key is not (StartingAfter or EndingBefore) && p.Key != Versioning.ApiVersionMiddleware.QueryParameter)
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString()))
            .ToList();
        var current = query
            .Where(p => p.Key != Versioning.ApiVersionMiddleware.QueryParameter)
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString()));

        string With(string cursorName, ListPosition position) =>
            links.To(path, [.. kept, new(cursorName, PageCursor.Encode(position))]);

        // An empty page past either end still links back across the cursor it was asked with.
        var first = page.Items.Count > 0 ? positionOf(page.Items[0]) : request.StartingAfter;
        var last = page.Items.Count > 0 ? positionOf(page.Items[^1]) : request.EndingBefore;
        return new Links
        {
            Self = links.To(path, current),
            First = links.To(path, kept),
            Prev = page.HasPrevious && first is { } f ? With(EndingBefore, f) : null,
            Next = page.HasNext && last is { } l ? With(StartingAfter, l) : null,
        };
    }
}
