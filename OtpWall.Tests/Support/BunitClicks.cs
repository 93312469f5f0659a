using Bunit;
using Microsoft.AspNetCore.Components;

namespace OtpWall.Tests.Support;

public static class BunitClicks
{
    /// <summary>
    /// Waits for <paramref name="selector"/>, then finds and clicks it in one step on the renderer's dispatcher, so a
    /// re-render caused by live updates cannot slip in between finding the element and clicking it.
    /// </summary>
    public static async Task ClickWhenReadyAsync<T>(this IRenderedComponent<T> cut, string selector) where T : IComponent
    {
        cut.WaitForElement(selector);
        await cut.InvokeAsync(() => cut.Find(selector).ClickAsync(new()));
    }
}
