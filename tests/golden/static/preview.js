/* golden stand-in */
