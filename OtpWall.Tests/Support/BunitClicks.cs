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

    /// <summary>
    /// Clicks <paramref name="selector"/> without waiting for what the click does to finish: for a click that opens a
    /// question (a confirmation dialog) the test answers next. Await the returned task once the question is answered.
    /// </summary>
    public static Task StartClick<T>(this IRenderedComponent<T> cut, string selector) where T : IComponent
    {
        cut.WaitForElement(selector);
        return cut.InvokeAsync(() => { _ = cut.Find(selector).ClickAsync(new()); });
    }
}
