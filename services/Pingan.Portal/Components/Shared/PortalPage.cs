using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Pingan.Portal.Sessions;
using Pingan.Time;

namespace Pingan.Portal.Components.Shared;

/// <summary>
/// A page that calls the services on the person's token: a refusal becomes a <see cref="Problem"/> shown on the page
/// (in the person's language, with each field's message beside the field), a session that ended signs in again.
/// </summary>
public abstract class PortalPage : ComponentBase
{
    [Inject] protected UserSession Session { get; set; } = null!;
    [Inject] protected NavigationManager Nav { get; set; } = null!;
    [Inject] protected TimeProvider Time { get; set; } = null!;

    protected Problem? Problem { get; set; }

    /// <summary>
    /// The form whose call was refused last: a page with several forms shows a field's message only beside that form's
    /// field (two forms may both have a <c>reasons</c>).
    /// </summary>
    protected string? CurrentForm { get; set; }

    protected Problem? ProblemOf(string form) => CurrentForm == form ? Problem : null;
    protected bool Loading { get; set; }

    protected DateOnly Today => Time.Today();

    /// <summary>Runs one call (or several) with the person's headers; false when it was refused.</summary>
    protected async Task<bool> CallAsync(Func<Metadata, Task> call)
    {
        Problem = null;
        try
        {
            await call(await Session.HeadersAsync());
            return true;
        }
        catch (SessionExpiredException)
        {
            Nav.NavigateTo(Nav.Uri, forceLoad: true); // the cookie's session is gone: through the identity service again
            return false;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            Nav.NavigateTo(Nav.Uri, forceLoad: true);
            return false;
        }
        catch (RpcException e)
        {
            Problem = Problem.From(e);
            return false;
        }
    }

    /// <summary>The person's own mistake caught before any call (a file too large): shown as a service's refusal would be.</summary>
    protected void Refuse(string zh, string en) =>
        Problem = new Problem(StatusCode.InvalidArgument, Problems.Title(StatusCode.InvalidArgument), L.T(zh, en), new Dictionary<string, string>());

    /// <summary>Loads the page's data, with the spinner on meanwhile.</summary>
    protected async Task LoadAsync(Func<Metadata, Task> call)
    {
        Loading = true;
        try
        {
            await CallAsync(call);
        }
        finally
        {
            Loading = false;
        }
    }
}
